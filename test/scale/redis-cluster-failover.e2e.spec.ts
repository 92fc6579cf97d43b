import { cli, FAILOVER_DETECTION_MS, HA_CLUSTER_PORTS } from '../setup/redis-topology';
import { describeWith } from '../setup/services';
import { expectServedThroughFailover, failoverUnderLoad, useFleetOn } from './fleet/failover-run';
import { killRedis } from './fleet/redis-kill';
import { expectOnlyUnreplicatedWritesLost, keyServedBy, ReplicationProbe } from './fleet/replication-probe';
import { waitFor } from './fleet/steady-load';
import { HA_CLUSTER_TARGET } from './fleet/store-targets';

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

/** Ports of the cluster's masters. */
async function masterPorts(): Promise<number[]> {
  const nodes = (await cli(HA_CLUSTER_PORTS[0], 'cluster', 'nodes')).split('\n').map((line) => line.split(' '));
  return nodes.filter((fields) => fields[2]?.includes('master')).map((fields) => Number(/:(\d+)@/.exec(fields[1])?.[1]));
}

describeWith(HA_CLUSTER_TARGET.services)('Redis Cluster failover under load from 3 app processes', () => {
  const fleet = useFleetOn(HA_CLUSTER_TARGET, { platform: ['fastify', 'express', 'fastify'], ports: [17430, 17431, 17432], storeTimeout: STORE_TIMEOUT });

  it("answers 503 (for that master's sessions) no longer than failover + storeTimeout, never hangs, recovers by itself", async () => {
    let master = 0;
    let replica = 0;
    let other = 0;
    let killedAt = 0;
    // A replication marker on every master: which one dies is decided at the kill.
    const probes = new Map<number, ReplicationProbe>();
    for (const port of await masterPorts()) probes.set(port, new ReplicationProbe(port, await keyServedBy(port)));
    await Promise.all([...probes.values()].map((probe) => probe.start()));
    try {
      const result = await failoverUnderLoad(`Cluster failover (node timeout ${FAILOVER_DETECTION_MS} ms, storeTimeout ${STORE_TIMEOUT} ms)`, fleet(), {
        disrupt: async () => {
          [master, replica] = await busiestMasterAndReplica();
          other = HA_CLUSTER_PORTS.find((port) => port !== master && port !== replica) as number;
          return (killedAt = await killRedis(master));
        },
        restored: () =>
          waitFor(
            'the replica to take over',
            async () => (await cli(replica, 'info', 'replication')).includes('role:master') && (await cli(other, 'cluster', 'info')).includes('cluster_state:ok'),
            30000,
          ),
      });

      expectServedThroughFailover(result, { storeTimeout: STORE_TIMEOUT, reconnectSlack: RECONNECT_SLACK });
      expectOnlyUnreplicatedWritesLost(result.lostAckedAt, (await probes.get(master)!.replicatedUntil(replica)) - killedAt);
    } finally {
      for (const probe of probes.values()) probe.stop();
    }
  }, 90000);
});
