import { loadOptional } from '../../utils/load-optional';
import { guardClientErrors, type OwnedClient, resolveClient } from '../shared/owned-client';
import type { MemcachedClientLike, MemcachedClientOptions } from './memcached-client.types';
import type { MemcachedSessionStoreOptions } from './memcached-session.options';

/**
 * Owned-client defaults: a refused connection fails at once, a hung one after a second, and a
 * command after 1.5 s (below the module's `storeTimeout`, so a write that the client was told
 * failed does not land later); nothing is queued while the server is away.
 */
export const MEMCACHED_FAIL_FAST = { connectTimeout: 1000, cmdTimeout: 1500, noDelay: true } satisfies MemcachedClientOptions;

/** The store's client: the `client` you passed (never shut down), or one it creates from `server` and owns. */
export function resolveMemcachedClient(options: MemcachedSessionStoreOptions): OwnedClient<MemcachedClientLike> {
  return resolveClient<MemcachedClientLike>(
    'MemcachedSessionStore',
    { client: options.client },
    { server: options.server },
    () => createMemcachedClient(options.server ?? '', options.clientOptions), // only called when `server` is set
  );
}

function createMemcachedClient(server: string, extra: MemcachedClientOptions = {}): MemcachedClientLike {
  const { MemcacheClient: Client } = loadOptional<typeof import('memcache-client')>('memcache-client', 'MemcachedSessionStore');
  const client: MemcachedClientLike = new Client({ ...MEMCACHED_FAIL_FAST, ...extra, server });
  // memcache-client handles socket errors itself; the guard is there should a future version
  // start emitting them, since an unhandled 'error' event would end the process.
  guardClientErrors(client, 'MemcachedSessionStore', 'memcached');
  return client;
}
