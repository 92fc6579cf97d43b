import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { HA_CLUSTER_PORTS, HA_SENTINEL, SCALE_CLUSTER_PORTS, useHaCluster, useHaSentinel, useScaleCluster } from '../../setup/redis-topology';
import type { ServiceName } from '../../setup/services';
import { sessionDataSource, type StoreSpec } from './store-spec';

/** A store that several app processes share, set up for one test file and removed after it. */
export interface StoreTarget {
  name: string;
  /** Servers the target needs (for `describeWith`). */
  services: ServiceName[];
  open(): Promise<{ spec: StoreSpec; cleanup(): Promise<void> }>;
}

/**
 * `storeTimeout` of the multi-process fleets. 100 concurrent saves of one session queue behind its
 * row lock (SQL) or lock file: on a loaded 2-core machine the last of them waits a few seconds,
 * which the default of 2 s would turn into 503s. (The failover specs keep 1 s.)
 */
export const QUEUE_TIMEOUT = 8000;

const unique = () => randomBytes(4).toString('hex');

/** Deletes every key under a prefix of the shared Redis (never FLUSHALL: others use it too). */
async function dropPrefix(port: number, prefix: string): Promise<void> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  await client.connect();
  try {
    for await (const keys of client.scanStream({ match: `${prefix}*`, count: 500 })) {
      if ((keys as string[]).length > 0) await client.del(...(keys as string[]));
    }
  } finally {
    client.disconnect();
  }
}

/** A session table of its own on a shared SQL server, created as `synchronize` would, dropped after. */
function sqlTarget(name: string, type: 'postgres' | 'mariadb', port: number, username: string, service: ServiceName): StoreTarget {
  return {
    name,
    services: [service],
    async open() {
      const spec = { kind: 'typeorm', type, host: '127.0.0.1', port, username, database: 'test', tableName: `scale_sess_${unique()}` } as const;
      const dataSource = sessionDataSource(spec, true);
      await dataSource.initialize();
      return {
        spec,
        async cleanup() {
          await dataSource.query(`DROP TABLE ${dataSource.driver.escape(spec.tableName)}`);
          await dataSource.destroy();
        },
      };
    },
  };
}

/** A Redis Cluster on loopback `ports`, started (or joined) by `use`, under a key prefix of its own. */
function clusterTarget(name: string, ports: number[], use: () => Promise<() => Promise<void>>): StoreTarget {
  return {
    name,
    services: ['redis-server'],
    async open() {
      const release = await use();
      const nodes = ports.map((port) => ({ host: '127.0.0.1', port }));
      return { spec: { kind: 'cluster', nodes, prefix: `scale:${unique()}:` }, cleanup: release };
    },
  };
}

export const STORE_TARGETS: StoreTarget[] = [
  {
    name: 'Redis standalone',
    services: ['redis'],
    async open() {
      const prefix = `scale:${unique()}:`;
      return { spec: { kind: 'redis', host: '127.0.0.1', port: 6379, prefix }, cleanup: () => dropPrefix(6379, prefix) };
    },
  },
  clusterTarget('Redis Cluster (3 masters)', SCALE_CLUSTER_PORTS, useScaleCluster),
  sqlTarget('PostgreSQL', 'postgres', 5432, 'postgres', 'postgres'),
  sqlTarget('MariaDB', 'mariadb', 3306, 'root', 'mariadb'),
  {
    name: 'files',
    services: [],
    async open() {
      const directory = mkdtempSync(join(tmpdir(), 'nest-session-scale-files-'));
      return { spec: { kind: 'file', directory, lockTimeout: QUEUE_TIMEOUT - 1000 }, cleanup: async () => rmSync(directory, { recursive: true, force: true }) };
    },
  },
];

/** The failover specs' Redis Sentinel: a master, one replica and 3 sentinels (quorum 2, down-after 1 s). */
export const HA_SENTINEL_TARGET: StoreTarget = {
  name: 'Redis Sentinel (master, replica, 3 sentinels)',
  services: ['redis-server'],
  async open() {
    const release = await useHaSentinel();
    const sentinels = HA_SENTINEL.sentinelPorts.map((port) => ({ host: '127.0.0.1', port }));
    return { spec: { kind: 'sentinel', sentinels, name: HA_SENTINEL.name, prefix: `scale:${unique()}:` }, cleanup: release };
  },
};

/** The failover specs' Redis Cluster: 3 masters with a replica each (node timeout 1 s). */
export const HA_CLUSTER_TARGET = clusterTarget('Redis Cluster (3 masters, 3 replicas)', HA_CLUSTER_PORTS, useHaCluster);
