import { randomBytes } from 'node:crypto';
import type { Fleet } from './fleet';
import { type Answer, FleetBrowser } from './fleet-browser';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A write the load sent, and what the server answered. */
export interface SentWrite {
  browser: number;
  key: string;
  value: string;
  answer: Answer;
}

/**
 * Steady traffic from several logged-in browsers, each sending one write of a fresh key after the
 * other (a short pause between), round-robin over every process of the fleet. Every answer is
 * kept, so a test can tell when 503s started and stopped, how slow the slowest answer was, and
 * which acknowledged writes the store no longer holds.
 */
export class SteadyLoad {
  readonly browsers: FleetBrowser[];
  readonly writes: SentWrite[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private count = 0;

  constructor(
    private readonly fleet: Fleet,
    { browsers = 6, deadlineMs = 10000, user = 'load' }: { browsers?: number; deadlineMs?: number; user?: string } = {},
  ) {
    this.browsers = Array.from({ length: browsers }, (_, i) => new FleetBrowser(fleet.urls, { start: i, deadlineMs }));
    this.user = user;
  }

  private readonly user: string;

  /**
   * Logs every browser in (as users `<name>0`, `<name>1`, ...), retrying for up to `withinMs`: a
   * freshly started fleet on a busy machine may still be connecting (a cluster client discovers
   * the slots first), and that is not what the test measures. Throws unless all succeed.
   */
  async login(withinMs = 15000): Promise<void> {
    const deadline = Date.now() + withinMs;
    await Promise.all(this.browsers.map(async (browser, i) => {
      for (;;) {
        const answer = await browser.post(`/login/${this.user}${i}`);
        if (answer.status === 200) return;
        if (Date.now() > deadline) throw new Error(`login failed: ${answer.status} ${answer.body}`);
        await sleep(200);
      }
    }));
  }

  start(pauseMs = 25): void {
    this.running = true;
    this.loops = this.browsers.map(async (browser, i) => {
      while (this.running) {
        const key = `w${++this.count}`;
        const value = randomBytes(4).toString('hex');
        this.writes.push({ browser: i, key, value, answer: await browser.post(`/write/${key}`, { value }) });
        await sleep(pauseMs);
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  get answers(): Answer[] {
    return this.writes.map((write) => write.answer);
  }

  /** Acknowledged (2xx) writes that a read of the browser's session no longer finds. */
  async lost(): Promise<SentWrite[]> {
    const sessions = await Promise.all(this.browsers.map((browser) => browser.get('/session')));
    return this.writes.filter(({ browser, key, value, answer }) => answer.status === 200 && sessions[browser].json?.data?.[key] !== value);
  }
}

/** When requests failed and how they were answered, relative to the moment the store was hit. */
export interface OutageFigures {
  requests: number;
  statuses: Record<number, number>;
  /** From the disruption to the end of the last 503 (0 when none). */
  unavailableMs: number;
  /** The slowest answer, in ms. */
  slowestMs: number;
}

export function outageFigures(answers: Answer[], disruptedAt: number): OutageFigures {
  const statuses: Record<number, number> = {};
  for (const answer of answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
  const failedEnds = answers.filter((answer) => answer.status !== 200).map((answer) => answer.startedAt + answer.ms);
  return {
    requests: answers.length,
    statuses,
    unavailableMs: failedEnds.length === 0 ? 0 : Math.max(...failedEnds) - disruptedAt,
    slowestMs: Math.max(...answers.map((answer) => answer.ms)),
  };
}

/** Polls until `check` holds; resolves to the ms it took, or throws after `withinMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > withinMs) throw new Error(`${what}: still not the case after ${withinMs} ms`);
    await sleep(50);
  }
  return Date.now() - started;
}

/** Resolves once every process of the fleet serves the browser's session again. */
export function everyProcessServes(fleet: Fleet, browser: FleetBrowser, withinMs: number): Promise<number> {
  return waitFor('every app process serving sessions', async () => {
    const answers = await Promise.all(fleet.urls.map((_, server) => browser.get('/session', server)));
    return answers.every((answer) => answer.status === 200 && answer.json?.isNew === false);
  }, withinMs);
}
