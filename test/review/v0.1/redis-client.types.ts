/**
 * The parts of ioredis the Redis store uses, declared here so that the published typings never
 * name `ioredis`: an app without it installed compiles with `skipLibCheck: false`. An ioredis
 * `Redis` (standalone or Sentinel) or `Cluster` satisfies {@link RedisClientLike} as it is; the
 * package itself is loaded only when the store creates its own client.
 */
export interface RedisClientLike {
  /** ioredis connection state: `'ready'`, `'reconnecting'`, `'end'`, ... */
  readonly status: string;
  hgetall(key: string): Promise<Record<string, string>>;
  hget(key: string, field: string): Promise<string | null>;
  zrangebyscore(key: string, min: number | string, max: number | string): Promise<string[]>;
  zrem(key: string, ...members: string[]): Promise<number>;
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  time(): Promise<unknown>;
  quit(): Promise<unknown>;
  disconnect(): void;
  /** A new client with this one's settings (ioredis `duplicate`; a Cluster's takes startup nodes first). */
  duplicate?(...args: unknown[]): RedisClientLike;
  /** True on an ioredis `Cluster`. */
  readonly isCluster?: boolean;
  /** ioredis keeps the client's options here; read for `enableAutoPipelining`. */
  readonly options?: { enableAutoPipelining?: boolean };
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/**
 * ioredis `RedisOptions` (standalone or Sentinel: `{ sentinels, name }`). Only a few fields are
 * named here; every other ioredis option is accepted as it is and passed to ioredis unchanged.
 */
export interface RedisConnectionOptions {
  host?: string;
  port?: number;
  path?: string;
  username?: string;
  password?: string;
  db?: number;
  /** Sentinel nodes; with `name`, the client follows the primary through failovers. */
  sentinels?: { host?: string; port?: number }[];
  /** Name of the primary the Sentinels watch. */
  name?: string;
  /** Any other ioredis option (`tls`, `enableAutoPipelining`, `commandTimeout`, ...). */
  [option: string]: any;
}

/** A Cluster startup node: `6379`, `'host:port'`, `'redis://...'` or `{ host, port }`. */
export type RedisClusterNode = number | string | { host?: string; port?: number };

/** ioredis `ClusterOptions`; the options of each node's connection go in `redisOptions`. */
export interface RedisClusterOptions {
  redisOptions?: RedisConnectionOptions;
  [option: string]: any;
}
