export type { MemcachedClientLike, MemcachedClientOptions } from './memcached-client.types';
export * from './memcached-session.store';
