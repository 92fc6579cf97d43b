export { REDIS_FAIL_FAST } from './redis-client';
export type { RedisClientLike, RedisClusterNode, RedisConnectionOptions } from './redis-client.types';
export type { RedisMetadataLayout } from './redis-session.layout';
export type { RedisSessionStoreOptions } from './redis-session.options';
export * from './redis-session.store';
