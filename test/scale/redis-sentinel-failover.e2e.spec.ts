import { randomBytes } from 'node:crypto';
import { cli, FAILOVER_DETECTION_MS, HA_SENTINEL, useHaSentinel } from '../setup/redis-topology';
import { describeWith } from '../setup/services';
import { type Fleet, startFleet } from './fleet/fleet';
import { killRedis } from './fleet/redis-kill';
import { everyProcessServes, outageFigures, SteadyLoad, waitFor } from './fleet/steady-load';

/**
 * Redis Sentinel, for real: a master, one replica and 3 sentinels (quorum 2, down-after 1 s).
 * Three app processes serve steady traffic; the master is SIGKILLed; the sentinels promote the
 * replica and the apps' clients follow them to it, without a restart.
 */
const STORE_TIMEOUT = 1000;
/** What the client adds on top of failover + storeTimeout: at most one reconnect backoff (500 ms) and a sentinel round trip, rounded up. */
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
    const load = new SteadyLoad(fleet, { browsers: 6, deadlineMs: 10000 });
    await load.login();
    load.start();
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const killedAt = await killRedis(HA_SENTINEL.masterPort);
    const promoted = `127.0.0.1\n${HA_SENTINEL.replicaPort}`;
    const failoverMs = await waitFor('a sentinel to promote the replica', async () => (await cli(HA_SENTINEL.sentinelPorts[0], 'sentinel', 'get-master-addr-by-name', HA_SENTINEL.name)) === promoted, 30000);
    const recoveredMs = failoverMs + (await everyProcessServes(fleet, load.browsers[0], 15000));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await load.stop();

    const figures = outageFigures(load.answers, killedAt);
    const lost = await load.lost();
    const lostAcks = lost.map(({ answer }) => answer.startedAt + answer.ms - killedAt);
    // eslint-disable-next-line no-console
    console.log(
      `Sentinel failover (down-after ${FAILOVER_DETECTION_MS} ms, storeTimeout ${STORE_TIMEOUT} ms): promoted ${failoverMs} ms after SIGKILL; ` +
        `every process served again at ${recoveredMs} ms; 503s until ${figures.unavailableMs} ms; slowest answer ${figures.slowestMs} ms; ` +
        `${figures.requests} writes ${JSON.stringify(figures.statuses)}; acknowledged writes lost: ${lost.length} ` +
        `(acknowledged ${lostAcks.length ? `${Math.min(...lostAcks)}..${Math.max(...lostAcks)} ms` : '-'} relative to the kill)`,
    );

    // Only 200s and well-formed 503s, each within storeTimeout + 1 s: no request hangs.
    expect(Object.keys(figures.statuses).filter((status) => status !== '200' && status !== '503')).toEqual([]);
    expect(figures.slowestMs).toBeLessThan(STORE_TIMEOUT + 1000);
    // 503s stop within failover time + storeTimeout (+ the client's reconnect slack).
    expect(figures.unavailableMs).toBeLessThanOrEqual(failoverMs + STORE_TIMEOUT + RECONNECT_SLACK);
    // Replication is asynchronous: only writes acknowledged in the last moment before the kill may be lost.
    for (const at of lostAcks) expect(at).toBeGreaterThan(-1000);
    expect(lostAcks.every((at) => at <= 0)).toBe(true);
    // Load really ran before the kill, really failed during it, and was served again after it.
    const ok = load.answers.filter((answer) => answer.status === 200);
    expect(ok.filter((answer) => answer.startedAt < killedAt).length).toBeGreaterThan(0);
    expect(figures.statuses[503]).toBeGreaterThan(0);
    expect(ok.filter((answer) => answer.startedAt > killedAt + recoveredMs).length).toBeGreaterThan(0);
  }, 90000);
});
