import { createHash, randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { RedisSessionStore } from '../../../lib/stores/redis';
import { CLUSTER_PORTS, SENTINEL, useRedisCluster, useRedisSentinel } from '../../setup/redis-topology';
import type { StoreHarness } from '../store-contract';

/**
 * Redis stores for the contract suite and the e2e tests. Each harness uses a prefix of its own
 * (so parallel workers and earlier runs never share keys), an owned client as an app would
 * configure it, and a raw client of its own to look at what the store really wrote.
 */
export interface RedisHarness extends StoreHarness {
  store: RedisSessionStore;
  /** A client the store does not know about, for inspecting keys. */
  raw: Redis | Cluster;
  prefix: string;
}

export const CLUSTER_NODES = CLUSTER_PORTS.map((port) => ({ host: '127.0.0.1', port }));
export const SENTINELS = [{ host: '127.0.0.1', port: SENTINEL.sentinelPort }];

export function testPrefix(): string {
  return `nest-session-test:${randomBytes(6).toString('hex')}:`;
}

/** Redis on 127.0.0.1:6379. */
export async function openRedisStandalone(): Promise<RedisHarness> {
  const prefix = testPrefix();
  const store = new RedisSessionStore({ connection: { host: '127.0.0.1', port: 6379 }, prefix });
  return harness(store, new Redis({ host: '127.0.0.1', port: 6379 }), prefix, async () => undefined);
}

/** The 3-master Cluster on 127.0.0.1:7100-7102, started on first use. */
export async function openRedisCluster(): Promise<RedisHarness> {
  const release = await useRedisCluster();
  const prefix = testPrefix();
  const store = new RedisSessionStore({ cluster: { nodes: CLUSTER_NODES }, prefix });
  return harness(store, new Cluster(CLUSTER_NODES), prefix, release);
}

/** A master on 127.0.0.1:7200 found through the Sentinel on 127.0.0.1:7201, started on first use. */
export async function openRedisSentinel(): Promise<RedisHarness> {
  const release = await useRedisSentinel();
  const prefix = testPrefix();
  const store = new RedisSessionStore({ connection: { sentinels: SENTINELS, name: SENTINEL.name }, prefix });
  return harness(store, new Redis({ sentinels: SENTINELS, name: SENTINEL.name }), prefix, release);
}

/**
 * Where the default (compact) layout indexes `user`'s session `id`, computed here from the format
 * docs/stores/redis.md documents rather than with the library's code: SHA-256 of the user id, the
 * first 8 bytes in base64url as the user's tag, the next 4 (big-endian, modulo 2,048) as the
 * bucket `<prefix>users:{<n>}`; the entry is the tag followed by the id.
 */
export function userIndexEntry(prefix: string, user: string, id = ''): { key: string; member: string } {
  const digest = createHash('sha256').update(user).digest();
  return { key: `${prefix}users:{${digest.readUInt32BE(8) % 2048}}`, member: digest.subarray(0, 8).toString('base64url') + id };
}

/** The session ids the compact user index lists under `user` (any score), read from its bucket. */
export async function indexedIds(raw: Redis | Cluster, prefix: string, user: string): Promise<string[]> {
  const { key, member: tag } = userIndexEntry(prefix, user);
  return (await raw.zrange(key, 0, -1)).filter((entry) => entry.startsWith(tag)).map((entry) => entry.slice(tag.length));
}

/** Every key under `prefix`, on every master. */
export async function keysUnder(raw: Redis | Cluster, prefix: string): Promise<string[]> {
  if (raw instanceof Cluster && raw.status !== 'ready') await new Promise((resolve) => raw.once('ready', resolve));
  const nodes = raw instanceof Cluster ? raw.nodes('master') : [raw];
  const keys = await Promise.all(nodes.map((node) => node.keys(`${prefix}*`)));
  return keys.flat().sort();
}

function harness(store: RedisSessionStore, raw: Redis | Cluster, prefix: string, release: () => Promise<void>): RedisHarness {
  return {
    store,
    raw,
    prefix,
    async cleanup() {
      await store.close();
      // One DEL per key: in a Cluster a multi-key DEL must stay within one slot.
      for (const key of await keysUnder(raw, prefix)) await raw.del(key);
      await raw.quit();
      await release();
    },
  };
}
