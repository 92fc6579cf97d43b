import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { runInThisContext } from 'node:vm';
import { Session, SessionModule, SessionStore } from '../../lib';
import { Browser, createTestApp, Platform, Reply, SECRET, TestApp } from '../e2e/app';

/**
 * Shared pieces of the outage scenarios: a store really goes down while requests are in flight,
 * and comes back. Every request is timed, every write acknowledged with a 2xx is remembered, and
 * errors that would kill the process are watched on the real process.
 */
export const STORE_TIMEOUT = 1000;
/** Longest a request may take while the store is down or going down. */
export const LATENCY_BOUND = STORE_TIMEOUT + 1000;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A 2xx: the request was served (and a write acknowledged). */
export const succeeded = (status: number) => status >= 200 && status < 300;

/** The body of every 503 the module answers: no stack, no store error text. */
export const UNAVAILABLE = {
  statusCode: 503,
  error: 'Service Unavailable',
  message: 'The session store is unavailable; try again shortly.',
};

@Controller()
export class OutageController {
  @Post('login/:user')
  async login(@Session() session: Session, @Param('user') user: string) {
    await session.regenerate();
    session.set('uid', user);
    return { ok: true };
  }

  @Post('write/:key')
  write(@Session() session: Session, @Param('key') key: string, @Body() body: { value: string }) {
    session.set(key, body.value);
    return { ok: true };
  }

  @Get('session')
  read(@Session() session: Session) {
    return { isNew: session.isNew, data: session.toJSON() };
  }
}

/**
 * The app under test (default `onStoreError: 'fail'`) and a second one with `onStoreError: 'empty'`,
 * each over its own store, both with `storeTimeout: 1000`.
 */
export async function outageApps(platform: Platform, store: SessionStore, emptyStore: SessionStore): Promise<{ app: TestApp; empty: TestApp }> {
  const module = (onStoreError: 'fail' | 'empty', own: SessionStore) => SessionModule.forRoot({ secret: SECRET, store: own, storeTimeout: STORE_TIMEOUT, onStoreError });
  const app = await createTestApp(platform, [module('fail', store)], [OutageController]);
  const empty = await createTestApp(platform, [module('empty', emptyStore)], [OutageController]);
  return { app, empty };
}

export interface Timed {
  reply: Reply;
  ms: number;
}

export async function timed(request: () => Promise<Reply>): Promise<Timed> {
  const started = performance.now();
  const reply = await request();
  return { reply, ms: Math.round(performance.now() - started) };
}

/** Set-Cookie headers for the session cookie. */
export const sessionCookies = (reply: Reply) => reply.setCookies.filter((header) => header.startsWith('session='));

/** A 503 as the module answers it: the fixed JSON body, no stack trace, no session cookie. */
export function expectUnavailable(reply: Reply): void {
  expect(reply.status).toBe(503);
  expect(reply.json).toEqual(UNAVAILABLE);
  expect(reply.body).not.toMatch(/stack|\n\s+at /i);
  expect(sessionCookies(reply)).toEqual([]);
}

/** Every reply is a 2xx or a well-formed 503, within the latency bound. */
export function expectOkOrUnavailable(results: Timed[]): void {
  const others = results.filter(({ reply }) => !succeeded(reply.status) && reply.status !== 503);
  expect(others.map(({ reply }) => `${reply.status} ${reply.body}`)).toEqual([]);
  for (const { reply } of results) if (reply.status === 503) expectUnavailable(reply);
  expect(Math.max(...results.map(({ ms }) => ms))).toBeLessThan(LATENCY_BOUND);
}

/** A one-line summary for the test output: how many of each status, and the latencies. */
export function summary(what: string, results: Timed[]): string {
  const statuses: Record<number, number> = {};
  for (const { reply } of results) statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
  const ms = results.map((result) => result.ms).sort((a, b) => a - b);
  return `${what}: ${JSON.stringify(statuses)}, latency max ${ms[ms.length - 1]} ms, median ${ms[Math.floor(ms.length / 2)]} ms`;
}

/** Browsers that write unique keys and remember each write the server acknowledged with a 2xx. */
export class Ledger {
  private readonly acknowledged: { name: string; browser: Browser; key: string; value: string }[] = [];
  private count = 0;

  constructor(private readonly url: string) {}

  browser(): Browser {
    return new Browser(this.url);
  }

  async write(browser: Browser, name: string): Promise<Timed> {
    const key = `k${++this.count}`;
    const value = randomBytes(6).toString('hex');
    const result = await timed(() => browser.post(`/write/${key}`, { value }));
    if (succeeded(result.reply.status)) this.acknowledged.push({ name, browser, key, value });
    return result;
  }

  get size(): number {
    return this.acknowledged.length;
  }

  /** Reads every browser's session back; lists each acknowledged write that is not there. */
  async lost(): Promise<string[]> {
    const sessions = new Map<Browser, Record<string, unknown>>();
    for (const { browser } of this.acknowledged) {
      if (sessions.has(browser)) continue;
      const reply = await browser.get('/session');
      sessions.set(browser, reply.status === 200 ? reply.json.data : {});
    }
    return this.acknowledged
      .filter(({ browser, key, value }) => sessions.get(browser)?.[key] !== value)
      .map(({ name, browser, key, value }) => `${name}: ${key}=${value}, found ${JSON.stringify(sessions.get(browser)?.[key])}`);
  }
}

/**
 * Starts `count` writes spread evenly over `spreadMs`, round-robin over the browsers, and runs
 * `disrupt` (stopping the server) `atMs` after the first: some writes finish before, some are in
 * flight while the server goes down, the rest start while it is down.
 */
export async function writesInFlight(
  ledger: Ledger,
  browsers: Browser[],
  { count, spreadMs, atMs, disrupt }: { count: number; spreadMs: number; atMs: number; disrupt: () => Promise<void> },
): Promise<Timed[]> {
  const writes = Array.from({ length: count }, async (_, i) => {
    await sleep((i * spreadMs) / count);
    return ledger.write(browsers[i % browsers.length], `browser ${i % browsers.length}`);
  });
  await sleep(atMs);
  await disrupt();
  return Promise.all(writes);
}

/** Polls until `attempt` answers true (service back, pool drained); resolves to the milliseconds it took, or fails after `withinMs`. */
export async function waitUntil(attempt: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = Date.now();
  while (!(await attempt())) {
    if (Date.now() - started > withinMs) throw new Error(`still not the case after ${withinMs} ms: ${attempt.toString()}`);
    await sleep(100);
  }
  return Date.now() - started;
}

/**
 * Collects `unhandledRejection` and `uncaughtException` on the real process: Jest gives each test
 * file a copy of `process` whose listeners never fire, so the real one is taken from the outer realm.
 */
export function watchProcess(): { errors: unknown[]; stop(): void } {
  const real = runInThisContext('process') as NodeJS.Process;
  const errors: unknown[] = [];
  const record = (error: unknown) => errors.push(error);
  real.on('unhandledRejection', record);
  real.on('uncaughtException', record);
  return {
    errors,
    stop() {
      real.off('unhandledRejection', record);
      real.off('uncaughtException', record);
    },
  };
}
