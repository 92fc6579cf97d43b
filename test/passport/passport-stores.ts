import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { SessionStore } from '../../lib/contract/session-store';
import { RedisSessionStore } from '../../lib/stores/redis';
import { openSqlite } from '../stores/harnesses/typeorm.harness';

/** A store for one app, with a way to count its records and read one (what the server keeps). */
export interface PassportStoreHarness {
  /** undefined: the cookie store (the module's default). */
  store?: SessionStore;
  /** Records the store holds now (0 for the cookie store, which keeps none). */
  count(): Promise<number>;
  /** The record of an id, or null. */
  get(id: string): Promise<unknown>;
  cleanup(): Promise<void>;
}

export interface PassportStoreKind {
  name: string;
  serverSide: boolean;
  needs: 'redis'[];
  open(): Promise<PassportStoreHarness>;
}

export const PASSPORT_STORES: PassportStoreKind[] = [
  {
    name: 'Redis',
    serverSide: true,
    needs: ['redis'],
    async open() {
      const prefix = `passport-test:${randomBytes(6).toString('hex')}:`;
      const store = new RedisSessionStore({ connection: 'redis://127.0.0.1:6379', prefix });
      const probe = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
      await probe.connect();
      const keys = () => probe.keys(`${prefix}*`);
      return {
        store,
        count: async () => (await keys()).length,
        get: (id) => store.get(id),
        cleanup: async () => {
          const left = await keys();
          if (left.length) await probe.del(...left);
          probe.disconnect();
          await store.close?.();
        },
      };
    },
  },
  {
    name: 'TypeORM on SQLite',
    serverSide: true,
    needs: [],
    async open() {
      const harness = await openSqlite({ cleanupInterval: 0 });
      const table = harness.dataSource.driver.escape(harness.tableName);
      return {
        store: harness.store,
        count: async () => Number((await harness.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n),
        get: (id) => harness.store.get(id),
        cleanup: () => harness.cleanup(),
      };
    },
  },
  {
    name: 'cookie',
    serverSide: false,
    needs: [],
    async open() {
      return { count: async () => 0, get: async () => null, cleanup: async () => undefined };
    },
  },
];
