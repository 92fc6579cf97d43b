import { type Fleet, type FleetOptions, startFleet } from './fleet';
import { everyProcessServes, type OutageFigures, outageFigures, SteadyLoad } from './steady-load';
import type { StoreTarget } from './store-targets';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface FailoverResult extends OutageFigures {
  /** From the disruption until the store serves again (promotion done, or the server back). */
  failoverMs: number;
  /** From the disruption until every app process served a session again. */
  recoveredMs: number;
  /** Acknowledged writes the store no longer holds, and when each was acknowledged, relative to the disruption. */
  lostAckedAt: number[];
  /** 200s before the disruption and after every process recovered. */
  okBefore: number;
  okAfter: number;
  /**
   * The slowest answer before the disruption, when the store was healthy: what the machine itself
   * adds under this load (on a quiet machine some ms; on a 2-core machine shared with other jobs,
   * seconds). A hang is judged beyond it.
   */
  baselineSlowestMs: number;
  /** One line for the test output and the README. */
  report: string;
}

/**
 * Steady writes from 6 browsers over every process of the fleet; after `warmupMs` the store is
 * disrupted (`disrupt` resolves to the moment it happened), `restored` resolves once the store
 * itself serves again; load goes on until every process served a session and `cooldownMs` more.
 */
export async function failoverUnderLoad(
  name: string,
  fleet: Fleet,
  { disrupt, restored, warmupMs = 1500, cooldownMs = 1500 }: { disrupt: () => Promise<number>; restored: () => Promise<unknown>; warmupMs?: number; cooldownMs?: number },
): Promise<FailoverResult> {
  const load = new SteadyLoad(fleet, { browsers: 6, deadlineMs: 10000 });
  await load.login();
  load.start();
  try {
    await sleep(warmupMs);
    const disruptedAt = await disrupt();
    await restored();
    const failoverMs = Date.now() - disruptedAt;
    const recoveredMs = failoverMs + (await everyProcessServes(fleet, load.browsers[0], 15000));
    await sleep(cooldownMs);
    await load.stop();
    const figures = outageFigures(load.answers, disruptedAt);
    const lostAckedAt = (await load.lost()).map(({ answer }) => answer.startedAt + answer.ms - disruptedAt);
    const ok = load.answers.filter((answer) => answer.status === 200);
    const before = load.answers.filter((answer) => answer.startedAt + answer.ms < disruptedAt);
    const baselineSlowestMs = Math.max(0, ...before.map((answer) => answer.ms));
    const okBefore = ok.filter((answer) => answer.startedAt < disruptedAt).length;
    const okAfter = ok.filter((answer) => answer.startedAt > disruptedAt + recoveredMs).length;
    const window = lostAckedAt.length ? `, acknowledged ${Math.min(...lostAckedAt)}..${Math.max(...lostAckedAt)} ms around the disruption` : '';
    const report =
      `${name}: store back after ${failoverMs} ms; every process served again at ${recoveredMs} ms; ` +
      `503s until ${figures.unavailableMs} ms; slowest answer ${figures.slowestMs} ms (before: ${baselineSlowestMs} ms); ` +
      `${figures.requests} writes ${JSON.stringify(figures.statuses)}; acknowledged writes lost: ${lostAckedAt.length}${window}`;
    const slowest = [...load.answers].sort((a, b) => b.ms - a.ms).slice(0, 5);
    // eslint-disable-next-line no-console
    console.log(`${report}\n  slowest: ${slowest.map((answer) => `${answer.status} ${answer.ms} ms at ${answer.startedAt - disruptedAt} ms`).join('; ')}`);
    return { ...figures, failoverMs, recoveredMs, lostAckedAt, okBefore, okAfter, baselineSlowestMs, report };
  } finally {
    await load.stop();
  }
}

/**
 * What a fleet must show through any failover, whatever the store: only 200s and 503s, each within
 * `storeTimeout` + 1 s beyond what the machine adds when all is well (no request hangs); 503s stop
 * within failover time + `storeTimeout` + `reconnectSlack` (what the store's client needs to find
 * the store again); load really ran before the disruption, really failed during it, and was served
 * again after it. Which acknowledged writes may be lost depends on the store: the spec says.
 */
export function expectServedThroughFailover(result: FailoverResult, { storeTimeout, reconnectSlack }: { storeTimeout: number; reconnectSlack: number }): void {
  expect(Object.keys(result.statuses).filter((status) => status !== '200' && status !== '503')).toEqual([]);
  expect(result.slowestMs).toBeLessThan(storeTimeout + 1000 + result.baselineSlowestMs);
  expect(result.unavailableMs).toBeLessThanOrEqual(result.failoverMs + storeTimeout + reconnectSlack);
  expect(result.okBefore).toBeGreaterThan(0);
  expect(result.statuses[503]).toBeGreaterThan(0);
  expect(result.okAfter).toBeGreaterThan(0);
}

/**
 * The hooks of a failover spec over a store target: before its tests, opens the target and starts
 * the fleet on it; after them, stops the fleet, then closes the target. Returns the running fleet.
 */
export function useFleetOn(target: StoreTarget, options: Omit<FleetOptions, 'store'>): () => Fleet {
  let fleet: Fleet | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const opened = await target.open();
    cleanup = opened.cleanup;
    fleet = await startFleet({ ...options, store: opened.spec });
  }, 90000);
  afterAll(async () => {
    await fleet?.stop();
    await cleanup?.();
  }, 30000);
  return () => {
    if (!fleet) throw new Error(`the fleet on ${target.name} did not start`);
    return fleet;
  };
}
