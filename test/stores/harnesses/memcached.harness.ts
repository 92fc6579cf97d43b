import { randomBytes } from 'node:crypto';
import { MemcacheClient } from 'memcache-client';
import { MemcachedSessionStore, type MemcachedSessionStoreOptions } from '../../../lib/stores/memcached';
import type { StoreHarness } from '../store-contract';

export const MEMCACHED = '127.0.0.1:11211';

export interface MemcachedHarness extends StoreHarness {
  store: MemcachedSessionStore;
  /** A client the store does not know about, for looking at what it really wrote. */
  raw: MemcacheClient;
  prefix: string;
}

/**
 * memcached on 127.0.0.1:11211 with an owned client and a prefix of its own, so parallel workers
 * and earlier runs never share keys. memcached cannot list keys, so what a run wrote is left to
 * expire (tests use lifetimes of a day at most, except the 40-day case, whose key is deleted).
 */
export async function openMemcached(options: Omit<MemcachedSessionStoreOptions, 'server' | 'client'> = {}): Promise<MemcachedHarness> {
  const prefix = `nest-session-test:${randomBytes(6).toString('hex')}:`;
  const store = new MemcachedSessionStore({ server: MEMCACHED, prefix, ...options });
  const raw = new MemcacheClient({ server: MEMCACHED, cmdTimeout: 2000 });
  return {
    store,
    raw,
    prefix,
    cleanup: async () => {
      await store.close();
      raw.shutdown();
    },
  };
}
