export { REDIS_FAIL_FAST } from './redis-client';
export type { RedisClientLike, RedisClusterNode, RedisConnectionOptions } from './redis-client.types';
export * from './redis-session.store';
