export { MEMCACHED_FAIL_FAST } from './memcached-client';
export type { MemcachedClientLike, MemcachedClientOptions } from './memcached-client.types';
export * from './memcached-session.store';
