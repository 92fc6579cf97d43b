import { cli, FAILOVER_DETECTION_MS, HA_SENTINEL } from '../setup/redis-topology';
import { describeWith } from '../setup/services';
import { expectServedThroughFailover, failoverUnderLoad, useFleetOn } from './fleet/failover-run';
import { killRedis } from './fleet/redis-kill';
import { expectOnlyUnreplicatedWritesLost, ReplicationProbe } from './fleet/replication-probe';
import { waitFor } from './fleet/steady-load';
import { HA_SENTINEL_TARGET } from './fleet/store-targets';

/**
 * Redis Sentinel, for real: a master, one replica and 3 sentinels (quorum 2, down-after 1 s).
 * Three app processes serve steady traffic; the master is SIGKILLed; the sentinels promote the
 * replica and the apps' clients follow them to it, without a restart.
 */
const STORE_TIMEOUT = 1000;
/** On top of failover + storeTimeout: at most one reconnect backoff of the client (500 ms) and a sentinel round trip. */
const RECONNECT_SLACK = 1000;

describeWith(HA_SENTINEL_TARGET.services)('Redis Sentinel failover under load from 3 app processes', () => {
  const fleet = useFleetOn(HA_SENTINEL_TARGET, { platform: ['express', 'fastify', 'express'], ports: [17420, 17421, 17422], storeTimeout: STORE_TIMEOUT });

  it('answers 503 no longer than failover + storeTimeout, never hangs, recovers by itself, and loses only writes the replica had not received', async () => {
    const promoted = `127.0.0.1\n${HA_SENTINEL.replicaPort}`;
    const probe = new ReplicationProbe(HA_SENTINEL.masterPort);
    await probe.start();
    let killedAt = 0;
    const result = await failoverUnderLoad(`Sentinel failover (down-after ${FAILOVER_DETECTION_MS} ms, storeTimeout ${STORE_TIMEOUT} ms)`, fleet(), {
      disrupt: async () => (killedAt = await killRedis(HA_SENTINEL.masterPort)),
      restored: () =>
        waitFor(
          'a sentinel to promote the replica',
          async () => (await cli(HA_SENTINEL.sentinelPorts[0], 'sentinel', 'get-master-addr-by-name', HA_SENTINEL.name)) === promoted,
          30000,
        ),
    });

    expectServedThroughFailover(result, { storeTimeout: STORE_TIMEOUT, reconnectSlack: RECONNECT_SLACK });
    expectOnlyUnreplicatedWritesLost(result.lostAckedAt, (await probe.replicatedUntil(HA_SENTINEL.replicaPort)) - killedAt);
  }, 90000);
});
