import { loadOptional } from '../../../lib/utils/load-optional';
import { guardClientErrors } from '../../../lib/stores/shared/owned-client';
import { DEFAULT_STORE_TIMEOUT } from '../../../lib/stores/shared/store-timeout';
import type { RedisClientLike, RedisConnectionOptions } from './redis-client.types';
import type { RedisSessionStoreOptions } from './redis-session.options';

/**
 * Defaults of owned clients: commands fail within about a second while Redis is unreachable
 * (ioredis would otherwise queue and retry them for up to a minute), the client reconnects on
 * its own, at most 500 ms apart, so service returns with the server, and commands issued in the
 * same tick go out in one write (auto-pipelining: less client CPU per call under load).
 */
export const REDIS_FAIL_FAST = {
  maxRetriesPerRequest: 0,
  connectTimeout: 1000,
  commandTimeout: DEFAULT_STORE_TIMEOUT,
  enableAutoPipelining: true,
  retryStrategy: (attempt: number) => Math.min(attempt * 50, 500),
} satisfies RedisConnectionOptions;

/** The client the store creates, owns and closes: a Cluster client for `cluster`, otherwise a standalone or Sentinel one. */
export function createRedisClient(options: Pick<RedisSessionStoreOptions, 'connection' | 'cluster'>): RedisClientLike {
  const ioredis = loadOptional<typeof import('ioredis')>('ioredis', 'RedisSessionStore');
  let client: RedisClientLike;
  if (options.cluster) {
    const { nodes, options: own = {} } = options.cluster;
    client = new ioredis.Cluster(nodes, {
      clusterRetryStrategy: REDIS_FAIL_FAST.retryStrategy,
      enableAutoPipelining: REDIS_FAIL_FAST.enableAutoPipelining,
      ...own,
      redisOptions: { ...REDIS_FAIL_FAST, ...own.redisOptions },
    });
  } else if (typeof options.connection === 'string') {
    client = new ioredis.Redis(options.connection, REDIS_FAIL_FAST);
  } else {
    client = new ioredis.Redis({ ...REDIS_FAIL_FAST, ...options.connection });
  }
  const back = guardClientErrors(client, 'RedisSessionStore', 'Redis');
  client.on('ready', back);
  return client;
}

/**
 * The client the store sends its commands through when it was given one without auto-pipelining
 * (`new Redis()` as most apps create it): a duplicate with your client's settings that pipelines,
 * owned by the store. Without pipelining every command is a write of its own; with it, the
 * commands of concurrent requests issued in one tick go out in one write, about half the client
 * CPU per call under load. Undefined when the client pipelines already or cannot be duplicated.
 */
export function pipeliningDuplicate(client: RedisClientLike): RedisClientLike | undefined {
  if (client.options?.enableAutoPipelining === true || typeof client.duplicate !== 'function') return undefined;
  const override = { enableAutoPipelining: true };
  const duplicate = client.isCluster === true ? client.duplicate([], override) : client.duplicate(override);
  const back = guardClientErrors(duplicate, 'RedisSessionStore', 'Redis');
  duplicate.on('ready', back);
  return duplicate;
}
