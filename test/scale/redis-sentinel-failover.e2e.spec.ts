import { randomBytes } from 'node:crypto';
import { cli, FAILOVER_DETECTION_MS, HA_SENTINEL, useHaSentinel } from '../setup/redis-topology';
import { describeWith } from '../setup/services';
import { failoverUnderLoad } from './fleet/failover-run';
import { type Fleet, startFleet } from './fleet/fleet';
import { killRedis } from './fleet/redis-kill';
import { waitFor } from './fleet/steady-load';

/**
 * Redis Sentinel, for real: a master, one replica and 3 sentinels (quorum 2, down-after 1 s).
 * Three app processes serve steady traffic; the master is SIGKILLed; the sentinels promote the
 * replica and the apps' clients follow them to it, without a restart.
 */
const STORE_TIMEOUT = 1000;
/** On top of failover + storeTimeout: at most one reconnect backoff of the client (500 ms) and a sentinel round trip. */
const RECONNECT_SLACK = 1000;

describeWith(['redis-server'])('Redis Sentinel failover under load from 3 app processes', () => {
  let fleet: Fleet;
  let release: () => Promise<void>;

  beforeAll(async () => {
    release = await useHaSentinel();
    const sentinels = HA_SENTINEL.sentinelPorts.map((port) => ({ host: '127.0.0.1', port }));
    const store = { kind: 'sentinel', sentinels, name: HA_SENTINEL.name, prefix: `scale:${randomBytes(4).toString('hex')}:` } as const;
    fleet = await startFleet({ platform: ['express', 'fastify', 'express'], store, ports: [17420, 17421, 17422], storeTimeout: STORE_TIMEOUT });
  }, 90000);
  afterAll(async () => {
    await fleet?.stop();
    await release?.();
  }, 30000);

  it('answers 503 no longer than failover + storeTimeout, never hangs, recovers by itself, and loses at most the last moment of writes', async () => {
    const promoted = `127.0.0.1\n${HA_SENTINEL.replicaPort}`;
    const result = await failoverUnderLoad(`Sentinel failover (down-after ${FAILOVER_DETECTION_MS} ms, storeTimeout ${STORE_TIMEOUT} ms)`, fleet, {
      disrupt: () => killRedis(HA_SENTINEL.masterPort),
      restored: () => waitFor('a sentinel to promote the replica', async () => (await cli(HA_SENTINEL.sentinelPorts[0], 'sentinel', 'get-master-addr-by-name', HA_SENTINEL.name)) === promoted, 30000),
    });

    // Only 200s and 503s, each within storeTimeout + 1 s (beyond what the machine adds when all is well): no request hangs.
    expect(Object.keys(result.statuses).filter((status) => status !== '200' && status !== '503')).toEqual([]);
    expect(result.slowestMs).toBeLessThan(STORE_TIMEOUT + 1000 + result.baselineSlowestMs);
    // 503s stop within failover time + storeTimeout (+ the client's reconnect slack).
    expect(result.unavailableMs).toBeLessThanOrEqual(result.failoverMs + STORE_TIMEOUT + RECONNECT_SLACK);
    // Replication is asynchronous: only writes acknowledged in the last second before the kill may be lost.
    for (const at of result.lostAckedAt) expect(at > -1000 && at <= 0).toBe(true);
    // Load really ran before the kill, really failed during it, and was served again after it.
    expect(result.okBefore).toBeGreaterThan(0);
    expect(result.statuses[503]).toBeGreaterThan(0);
    expect(result.okAfter).toBeGreaterThan(0);
  }, 90000);
});
