import type { RedisClientLike, RedisClusterNode, RedisClusterOptions, RedisConnectionOptions } from './redis-client.types';

/** Options of {@link RedisSessionStore}: give exactly one of `client`, `connection`, `cluster`. */
export interface RedisSessionStoreOptions {
  /**
   * An ioredis client you created: standalone, Sentinel (`{ sentinels, name }`) or `Cluster`.
   * The store never closes it, and uses it with your retry and queue settings. Create it with
   * `enableAutoPipelining: true`: concurrent requests then share network writes, which saves
   * client CPU on every call.
   * @default undefined
   */
  client?: RedisClientLike;
  /**
   * Options (or a `redis://` URL) of a standalone or Sentinel client that the store creates, owns
   * and closes in `close()`. It fails fast while Redis is down and pipelines automatically (see
   * {@link REDIS_FAIL_FAST}); your options override those defaults.
   * @default undefined
   */
  connection?: RedisConnectionOptions | string;
  /**
   * Startup nodes and options of a Redis Cluster client that the store creates, owns and closes.
   * @default undefined
   */
  cluster?: { nodes: RedisClusterNode[]; options?: RedisClusterOptions };
  /**
   * Prefix of every key. A session lives in the hash `<prefix>{<id>}`, a user index in the sorted
   * set `<prefix>user:{<userId>}`. Braces are refused: they would change Cluster hash slots.
   * @default 'session:'
   */
  prefix?: string;
}
