/**
 * The parts of memcache-client the memcached store uses, declared here so that the published
 * typings never name `memcache-client`: an app without it installed compiles with
 * `skipLibCheck: false`. A memcache-client `MemcacheClient` satisfies {@link MemcachedClientLike}.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface MemcachedClientLike {
  /** One key: `{ value }` or undefined; several keys: an object of those by key. */
  get(key: string | string[]): Promise<any>;
  /** Like `get`, with the `casUniq` token of each item. */
  gets(key: string | string[]): Promise<any>;
  add(key: string, value: string, options?: { lifetime?: number; ignoreNotStored?: boolean }): Promise<unknown>;
  cas(key: string, value: string, options: { casUniq: string | number; lifetime?: number }): Promise<unknown>;
  delete(key: string): Promise<unknown>;
  shutdown(): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** memcache-client `MemcacheClientOptions` for the client the store creates (`server` is set by the store). */
export interface MemcachedClientOptions {
  /** ms to wait for a connection. */
  connectTimeout?: number;
  /** ms a command may wait for its reply. */
  cmdTimeout?: number;
  noDelay?: boolean;
  /** Any other memcache-client option, passed on unchanged. */
  [option: string]: any;
}
