import type { RedisMetadataLayout } from './redis-session.layout';
import type { RedisClientLike, RedisClusterNode, RedisClusterOptions, RedisConnectionOptions } from './redis-client.types';

/** Options of {@link RedisSessionStore}: give exactly one of `client`, `connection`, `cluster`. */
export interface RedisSessionStoreOptions {
  /**
   * An ioredis client you created: standalone, Sentinel (`{ sentinels, name }`) or `Cluster`.
   * The store never closes it. Without `enableAutoPipelining`, the store sends its commands
   * through a duplicate of it that pipelines (see {@link autoPipelining}).
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
   * With a `client` whose `enableAutoPipelining` is off (ioredis' default, and `new Redis()`):
   * `true` sends the store's commands through `client.duplicate({ enableAutoPipelining: true })`,
   * one more connection (a Cluster: one per node) with your client's settings otherwise, which
   * the store owns and closes in `close()`; under load, concurrent requests then share network
   * writes, which halves the client CPU of a call. `false` uses your client as it is. A client
   * that already pipelines, and the clients the store creates, are always used as they are.
   * @default true
   */
  autoPipelining?: boolean;
  /**
   * Prefix of every key. A session lives in the hash `<prefix>{<id>}`, the user index in the
   * sorted sets `<prefix>users:{<n>}` (docs/stores/redis.md). Braces are refused: they would change
   * Cluster hash slots.
   * @default 'session:'
   */
  prefix?: string;
  /**
   * The names of the metadata fields the store writes in each session's hash. `'compact'`: one
   * letter each. `'0.1'`: the names of nest-session 0.1, which is all a 0.1 server can read; set
   * it while 0.1 servers still run beside this version (a rolling upgrade), and remove it once
   * none does. Either way the store reads both layouts, and its next save or touch of a record
   * moves it to the layout it writes.
   * @default 'compact'
   */
  metadataLayout?: RedisMetadataLayout;
}
