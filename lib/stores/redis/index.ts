export type { RedisClientLike, RedisClusterNode, RedisConnectionOptions } from './redis-client.types';
export * from './redis-session.store';
