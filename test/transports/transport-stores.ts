import { describeWith, type ServiceName } from '../setup/services';
import { openRedisStandalone } from '../stores/harnesses/redis.harness';
import { openPostgres, openSqlite } from '../stores/harnesses/typeorm.harness';
import type { StoreHarness } from '../stores/store-contract';
import { CountingStore } from './counting-store';

/**
 * The stores every transport scenario runs against: the signed cookie (no store), Redis, and
 * SQL through TypeORM (SQLite here, PostgreSQL for gateways). Each server-side store is wrapped in
 * a {@link CountingStore}, with a key prefix or table of its own.
 */
export interface TransportStore {
  name: string;
  services: ServiceName[];
  /** `undefined` for the cookie store. */
  open(): Promise<{ store?: CountingStore; cleanup(): Promise<void> }>;
}

function counted(open: () => Promise<StoreHarness>) {
  return async () => {
    const harness = await open();
    return { store: new CountingStore(harness.store), cleanup: () => harness.cleanup() };
  };
}

export const COOKIE_STORE: TransportStore = { name: 'cookie store', services: [], open: async () => ({ cleanup: async () => undefined }) };
export const REDIS_STORE: TransportStore = { name: 'redis', services: ['redis'], open: counted(openRedisStandalone) };
export const SQLITE_STORE: TransportStore = { name: 'typeorm sqlite', services: [], open: counted(() => openSqlite()) };
export const POSTGRES_STORE: TransportStore = { name: 'typeorm postgres', services: ['postgres'], open: counted(() => openPostgres()) };

/** `describe` for a store: skipped loudly (failed in CI) when its servers are down. */
export function describeStore(target: TransportStore): typeof describe.skip {
  return describeWith(target.services);
}
