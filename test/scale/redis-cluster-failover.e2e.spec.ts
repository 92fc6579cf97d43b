import { randomBytes } from 'node:crypto';
import { cli, FAILOVER_DETECTION_MS, HA_CLUSTER_PORTS, useHaCluster } from '../setup/redis-topology';
import { describeWith } from '../setup/services';
import { failoverUnderLoad } from './fleet/failover-run';
import { type Fleet, startFleet } from './fleet/fleet';
import { killRedis } from './fleet/redis-kill';
import { waitFor } from './fleet/steady-load';

/**
 * Redis Cluster, for real: 3 masters with a replica each (node timeout 1 s). Three app processes
 * serve steady traffic; one master is SIGKILLed; its replica takes over its slots and the apps'
 * cluster clients find it, without a restart. Only the sessions in that master's slots notice.
 */
const STORE_TIMEOUT = 1000;
/**
 * On top of failover + storeTimeout: the cluster client learns the new slot owner on its next
 * slot refresh after the node is gone (reconnect backoff at most 500 ms, then CLUSTER SLOTS).
 */
const RECONNECT_SLACK = 1000;

/**
 * `[master port, its replica's port]` of the master holding the most keys, so that the load's
 * sessions really live on the master that dies.
 */
async function busiestMasterAndReplica(): Promise<[number, number]> {
  const nodes = (await cli(HA_CLUSTER_PORTS[0], 'cluster', 'nodes')).split('\n').map((line) => line.split(' '));
  const port = (fields: string[]) => Number(/:(\d+)@/.exec(fields[1])?.[1]);
  const masters = nodes.filter((fields) => fields[2].includes('master'));
  const sizes = await Promise.all(masters.map(async (fields) => Number(await cli(port(fields), 'dbsize'))));
  const master = masters[sizes.indexOf(Math.max(...sizes))];
  const replica = nodes.find((fields) => fields[3] === master?.[0]);
  if (!master || !replica) throw new Error('no master with a replica in CLUSTER NODES');
  return [port(master), port(replica)];
}

describeWith(['redis-server'])('Redis Cluster failover under load from 3 app processes', () => {
  let fleet: Fleet;
  let release: () => Promise<void>;

  beforeAll(async () => {
    release = await useHaCluster();
    const nodes = HA_CLUSTER_PORTS.map((port) => ({ host: '127.0.0.1', port }));
    const store = { kind: 'cluster', nodes, prefix: `scale:${randomBytes(4).toString('hex')}:` } as const;
    fleet = await startFleet({ platform: ['fastify', 'express', 'fastify'], store, ports: [17430, 17431, 17432], storeTimeout: STORE_TIMEOUT });
  }, 90000);
  afterAll(async () => {
    await fleet?.stop();
    await release?.();
  }, 30000);

  it("answers 503 (for that master's sessions) no longer than failover + storeTimeout, never hangs, recovers by itself", async () => {
    let master = 0;
    let replica = 0;
    let other = 0;
    const result = await failoverUnderLoad(`Cluster failover (node timeout ${FAILOVER_DETECTION_MS} ms, storeTimeout ${STORE_TIMEOUT} ms)`, fleet, {
      disrupt: async () => {
        [master, replica] = await busiestMasterAndReplica();
        other = HA_CLUSTER_PORTS.find((port) => port !== master && port !== replica) as number;
        return killRedis(master);
      },
      restored: () =>
        waitFor('the replica to take over', async () => (await cli(replica, 'info', 'replication')).includes('role:master') && (await cli(other, 'cluster', 'info')).includes('cluster_state:ok'), 30000),
    });

    // Only 200s and 503s, each within storeTimeout + 1 s (beyond what the machine adds when all is well): no request hangs.
    expect(Object.keys(result.statuses).filter((status) => status !== '200' && status !== '503')).toEqual([]);
    expect(result.slowestMs).toBeLessThan(STORE_TIMEOUT + 1000 + result.baselineSlowestMs);
    expect(result.unavailableMs).toBeLessThanOrEqual(result.failoverMs + STORE_TIMEOUT + RECONNECT_SLACK);
    for (const at of result.lostAckedAt) expect(at > -1000 && at <= 0).toBe(true);
    expect(result.okBefore).toBeGreaterThan(0);
    expect(result.statuses[503]).toBeGreaterThan(0);
    expect(result.okAfter).toBeGreaterThan(0);
  }, 90000);
});
