import type { MemcachedClientLike, MemcachedClientOptions } from './memcached-client.types';

/** Options of {@link MemcachedSessionStore}: give exactly one of `client` or `server`. */
export interface MemcachedSessionStoreOptions {
  /** A memcache-client `MemcacheClient` you created. The store never shuts it down. @default undefined */
  client?: MemcachedClientLike;
  /**
   * `host:port` of a server for a client that the store creates, owns and shuts down in
   * `close()`. It fails fast while memcached is down (see {@link MEMCACHED_FAIL_FAST}) and reconnects on
   * the next command once it is back.
   * @default undefined
   */
  server?: string;
  /** Extra options of the owned client, over {@link MEMCACHED_FAIL_FAST}. @default {} */
  clientOptions?: MemcachedClientOptions;
  /**
   * Prefix of every key (Flask-Session's `SESSION_KEY_PREFIX`): a session is `<prefix><id>`, a
   * user index `<prefix>user:<sha256(userId)>`. Printable ASCII without spaces, at most 202
   * bytes, so every key stays within memcached's 250 bytes.
   * @default 'session:'
   */
  prefix?: string;
  /** Attempts of one gets/CAS step before a save fails (only writers in other processes conflict). @default 50 */
  casAttempts?: number;
}
