import { MemorySessionStore } from '../../../lib';
import { describeWith, type ServiceName } from '../../setup/services';
import type { StoreHarness } from '../store-contract';
import { openFileStore } from './file.harness';
import { openMemcached } from './memcached.harness';
import { openMongo } from './mongo.harness';
import { openRedisCluster, openRedisSentinel, openRedisStandalone } from './redis.harness';
import { openMariaDb, openPostgres, openSqlite } from './typeorm.harness';

/** Every server-side store, on each backend it supports, with the servers it needs. */
export interface StoreTarget {
  name: string;
  services: ServiceName[];
  open(): Promise<StoreHarness>;
}

export const STORE_TARGETS: StoreTarget[] = [
  { name: 'memory', services: [], open: async () => ({ store: new MemorySessionStore(), cleanup: async () => undefined }) },
  { name: 'redis', services: ['redis'], open: openRedisStandalone },
  { name: 'redis-cluster', services: ['redis-server'], open: openRedisCluster },
  { name: 'redis-sentinel', services: ['redis-server'], open: openRedisSentinel },
  { name: 'typeorm-postgres', services: ['postgres'], open: () => openPostgres() },
  { name: 'typeorm-mariadb', services: ['mariadb'], open: () => openMariaDb() },
  { name: 'typeorm-sqlite', services: [], open: () => openSqlite() },
  // Above the ~1,000 sessions the fuzz creates, so pruning (Flask's threshold, 500) keeps the ones it checks.
  { name: 'file', services: [], open: () => openFileStore({ threshold: 5000 }) },
  { name: 'memcached', services: ['memcached'], open: () => openMemcached() },
  { name: 'mongodb (wire-protocol test server)', services: [], open: () => openMongo() },
];

/** `describe` for a target: skipped loudly (failed in CI) when its servers are down. */
export function describeTarget(target: StoreTarget): typeof describe.skip {
  return describeWith(target.services);
}
