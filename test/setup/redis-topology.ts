import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Throwaway Redis topologies on loopback ports, built from the `redis-server`, `redis-sentinel`
 * and `redis-cli` binaries in temp dirs: a 3-master Cluster and a master watched by one Sentinel
 * (the store suites), and for the scale suite a second 3-master Cluster, a Cluster of 3 masters
 * with a replica each, and a master with a replica watched by 3 Sentinels (failover tests).
 *
 * Several Jest workers (and several specs in one worker) may ask for the same topology. Each use
 * is recorded as a file `users/<pid>.<n>` under a lock directory (mkdir is atomic), the first use
 * starts the servers (or adopts healthy ones left by a crashed run), and the last release stops
 * them. Uses of workers that died are ignored.
 */
export const CLUSTER_PORTS = [7100, 7101, 7102];
export const SENTINEL = { masterPort: 7200, sentinelPort: 7201, name: 'mymaster' };

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let uses = 0;

interface Topology {
  name: string;
  ports: number[];
  healthy(): Promise<boolean>;
  start(dir: string): Promise<void>;
}

/** Redis CLI against a loopback port; `''` when the server does not answer. */
export async function cli(port: number, ...args: string[]): Promise<string> {
  try {
    return (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5000 })).stdout.trim();
  } catch {
    return '';
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 20000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`redis-topology: timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Starts a daemonized redis-server on `port` with its files in `dir`. */
export async function startServer(port: number, dir: string, ...extra: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'yes'];
  // No diskless-sync delay: Redis would otherwise wait 5 s for more replicas before a first sync.
  args.push('--pidfile', join(dir, 'redis.pid'), '--logfile', join(dir, 'redis.log'), '--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0', ...extra);
  await run('redis-server', args);
  await waitFor(`redis-server on ${port}`, async () => (await cli(port, 'ping')) === 'PONG');
}

/** Stops whatever Redis answers on these ports, and waits until the ports are free. */
export async function stopServers(ports: number[]): Promise<void> {
  await Promise.all(ports.map((port) => cli(port, 'shutdown', 'nosave')));
  await waitFor(`ports ${ports.join(', ')} to close`, async () => (await Promise.all(ports.map((port) => cli(port, 'ping')))).every((reply) => reply === ''));
}

/**
 * A Redis Cluster on `ports`: `ports.length / (replicas + 1)` masters, each with `replicas`
 * replicas, as `redis-cli --cluster create` lays them out. A low `nodeTimeout` makes a failover
 * quick (a master is marked failed after it, then a replica takes over).
 */
function clusterTopology(name: string, ports: number[], { replicas = 0, nodeTimeout = 5000 } = {}): Topology {
  const masters = ports.length / (replicas + 1);
  const topology: Topology = {
    name,
    ports,
    async healthy() {
      const infos = await Promise.all(ports.map((port) => cli(port, 'cluster', 'info')));
      return infos.every((info) => info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${ports.length}`) && info.includes(`cluster_size:${masters}`));
    },
    async start(dir) {
      const extra = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(nodeTimeout)];
      await Promise.all(ports.map((port) => startServer(port, join(dir, String(port)), ...extra)));
      const nodes = ports.map((port) => `127.0.0.1:${port}`);
      await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 30000 });
      await waitFor(`the ${name} cluster to agree`, () => topology.healthy(), 30000);
      if (replicas > 0)
        await waitFor(
          `the ${name} replicas to sync`,
          async () =>
            (await Promise.all(ports.map((port) => cli(port, 'info', 'replication')))).filter((info) => info.includes('master_link_status:up')).length === ports.length - masters,
          30000,
        );
    },
  };
  return topology;
}

/**
 * A master (`ports[0]`), `replicas` replicas of it (the next ports) and sentinels (the remaining
 * ports) that watch it under `name` with a quorum of a majority of them. `downAfter` is the
 * sentinels' down-after-milliseconds: how long the master must be silent before a failover.
 */
function sentinelTopology(name: string, ports: number[], { replicas = 0, downAfter = 30000 } = {}): Topology {
  const [masterPort, ...rest] = ports;
  const replicaPorts = rest.slice(0, replicas);
  const sentinelPorts = rest.slice(replicas);
  const quorum = Math.floor(sentinelPorts.length / 2) + 1;
  const topology: Topology = {
    name,
    ports,
    async healthy() {
      const masters = await Promise.all(sentinelPorts.map((port) => cli(port, 'sentinel', 'get-master-addr-by-name', name)));
      if (!masters.every((master) => master.split('\n').join(':') === `127.0.0.1:${masterPort}`)) return false;
      const replication = await cli(masterPort, 'info', 'replication');
      if (!replication.includes('role:master') || !replication.includes(`connected_slaves:${replicas}`)) return false;
      // Connected is not synced: until its first sync completes a replica holds nothing, and a
      // failover then loses every write (the replication probe of the failover spec caught this).
      const links = await Promise.all(replicaPorts.map((port) => cli(port, 'info', 'replication')));
      if (!links.every((info) => info.includes('master_link_status:up'))) return false;
      const views = await Promise.all(sentinelPorts.map((port) => cli(port, 'sentinel', 'master', name)));
      // Each sentinel must see the replicas and the other sentinels, or a failover cannot happen.
      return views.every((view) => {
        const fields = view.split('\n');
        const field = (key: string) => fields[fields.indexOf(key) + 1];
        return Number(field('num-slaves')) === replicas && Number(field('num-other-sentinels')) === sentinelPorts.length - 1;
      });
    },
    async start(dir) {
      await startServer(masterPort, join(dir, String(masterPort)));
      await Promise.all(replicaPorts.map((port) => startServer(port, join(dir, String(port)), '--replicaof', '127.0.0.1', String(masterPort))));
      for (const port of sentinelPorts) {
        const home = join(dir, String(port));
        mkdirSync(home, { recursive: true });
        const conf = join(home, 'sentinel.conf');
        writeFileSync(
          conf,
          [
            `port ${port}`,
            'bind 127.0.0.1',
            'daemonize yes',
            `dir ${home}`,
            `pidfile ${join(home, 'sentinel.pid')}`,
            `logfile ${join(home, 'sentinel.log')}`,
            `sentinel monitor ${name} 127.0.0.1 ${masterPort} ${quorum}`,
            `sentinel down-after-milliseconds ${name} ${downAfter}`,
            `sentinel failover-timeout ${name} ${Math.max(downAfter * 10, 10000)}`,
            `sentinel parallel-syncs ${name} 1`,
          ].join('\n'),
        );
        await run('redis-sentinel', [conf]);
      }
      await waitFor(`the ${name} sentinels to know their master, its replicas and each other`, () => topology.healthy(), 30000);
    },
  };
  return topology;
}

const cluster = clusterTopology('cluster', CLUSTER_PORTS);

const sentinel: Topology = {
  name: 'sentinel',
  ports: [SENTINEL.masterPort, SENTINEL.sentinelPort],
  async healthy() {
    const master = await cli(SENTINEL.sentinelPort, 'sentinel', 'get-master-addr-by-name', SENTINEL.name);
    return master.split('\n').join(':') === `127.0.0.1:${SENTINEL.masterPort}` && (await cli(SENTINEL.masterPort, 'ping')) === 'PONG';
  },
  async start(dir) {
    await startServer(SENTINEL.masterPort, join(dir, 'master'));
    const conf = join(dir, 'sentinel', 'sentinel.conf');
    mkdirSync(join(dir, 'sentinel'), { recursive: true });
    writeFileSync(
      conf,
      [
        `port ${SENTINEL.sentinelPort}`,
        'bind 127.0.0.1',
        'daemonize yes',
        `dir ${join(dir, 'sentinel')}`,
        `pidfile ${join(dir, 'sentinel', 'sentinel.pid')}`,
        `logfile ${join(dir, 'sentinel', 'sentinel.log')}`,
        `sentinel monitor ${SENTINEL.name} 127.0.0.1 ${SENTINEL.masterPort} 1`,
      ].join('\n'),
    );
    await run('redis-sentinel', [conf]);
    await waitFor('the sentinel to know its master', () => sentinel.healthy());
  },
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function withLock<T>(root: string, body: () => Promise<T>): Promise<T> {
  const lock = join(root, 'lock');
  mkdirSync(root, { recursive: true });
  const deadline = Date.now() + 120000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'owner'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(existsSync(join(lock, 'owner')) ? readFileSync(join(lock, 'owner'), 'utf8') : NaN);
      if (owner && !alive(owner)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`redis-topology: ${lock} is held by process ${owner}`, { cause: error });
      else await sleep(100);
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Records one use of the topology, starting it if nobody runs it; resolves to its release. */
async function use(topology: Topology): Promise<() => Promise<void>> {
  const root = join(tmpdir(), `nest-session-redis-${topology.name}`);
  const users = join(root, 'users');
  const me = join(users, `${process.pid}.${++uses}`);
  await withLock(root, async () => {
    mkdirSync(users, { recursive: true });
    writeFileSync(me, '');
    if (await topology.healthy()) return;
    await stopServers(topology.ports);
    rmSync(join(root, 'data'), { recursive: true, force: true });
    await topology.start(join(root, 'data'));
  });
  return () =>
    withLock(root, async () => {
      rmSync(me, { force: true });
      const others = readdirSync(users).filter((file) => alive(Number(file.split('.')[0])));
      if (others.length > 0) return;
      await stopServers(topology.ports);
      rmSync(join(root, 'data'), { recursive: true, force: true });
    });
}

/** Starts (or joins) the 3-master Cluster on 127.0.0.1:7100-7102. */
export const useRedisCluster = () => use(cluster);

/** Starts (or joins) the master on 127.0.0.1:7200 watched by the Sentinel on 127.0.0.1:7201. */
export const useRedisSentinel = () => use(sentinel);

/** Ports of the scale suite's topologies (its range is 17400-17599). */
export const SCALE_CLUSTER_PORTS = [17500, 17501, 17502];
export const HA_CLUSTER_PORTS = [17520, 17521, 17522, 17523, 17524, 17525];
export const HA_SENTINEL = { name: 'scalemaster', masterPort: 17510, replicaPort: 17511, sentinelPorts: [17512, 17513, 17514] };
/** Sentinels' down-after-milliseconds and the HA cluster's node timeout: a failover in a few seconds. */
export const FAILOVER_DETECTION_MS = 1000;

/** Starts (or joins) a 3-master Cluster without replicas on 127.0.0.1:17500-17502. */
export const useScaleCluster = () => use(clusterTopology('scale-cluster', SCALE_CLUSTER_PORTS));

/**
 * Starts (or joins) a Cluster of 3 masters and 3 replicas on 127.0.0.1:17520-17525, node timeout
 * {@link FAILOVER_DETECTION_MS}: a test may kill a master and watch its replica take over.
 */
export const useHaCluster = () => use(clusterTopology('ha-cluster', HA_CLUSTER_PORTS, { replicas: 1, nodeTimeout: FAILOVER_DETECTION_MS }));

/**
 * Starts (or joins) a master (17510) with one replica (17511) watched by 3 sentinels
 * (17512-17514, quorum 2, down-after-milliseconds {@link FAILOVER_DETECTION_MS}).
 */
export const useHaSentinel = () =>
  use(sentinelTopology(HA_SENTINEL.name, [HA_SENTINEL.masterPort, HA_SENTINEL.replicaPort, ...HA_SENTINEL.sentinelPorts], { replicas: 1, downAfter: FAILOVER_DETECTION_MS }));
