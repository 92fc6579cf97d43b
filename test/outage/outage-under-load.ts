import { Browser, Platform, TestApp } from '../e2e/app';
import {
  expectOkOrUnavailable,
  expectUnavailable,
  Ledger,
  LATENCY_BOUND,
  sessionCookies,
  succeeded,
  summary,
  timed,
  waitUntil,
  watchProcess,
  writesInFlight,
} from './outage-helpers';

/** How a spec's store goes down and comes back; the rest of the outage scenario is the same for every store. */
export interface StoreOutage {
  /** The store's name in the report lines ("50 writes while Redis stops"). */
  store: string;
  /** Stops the store server (the way the spec's comment says: a crash, a fast shutdown...). */
  stop(): Promise<void>;
  /** Starts it again on the same data. */
  start(): Promise<void>;
  /** When `start` has returned, in the report line "service back N ms after ..." (e.g. "pg_ctl start returned"). */
  startedWhen: string;
}

/**
 * The outage scenario over HTTP, for the two apps of `outageApps`: five users log in and write;
 * the store stops while 50 writes are in flight; while it is down, `app` answers a fast 503 and
 * `empty` an empty session that it never saves; the store starts again and both apps serve again
 * by themselves; no write acknowledged with a 2xx, before, during or after, is lost, and nothing
 * reaches the process as an unhandled error.
 */
export async function storeOutageUnderLoad(platform: Platform, { app, empty }: { app: TestApp; empty: TestApp }, outage: StoreOutage): Promise<void> {
  const watch = watchProcess();
  const report: string[] = [];
  try {
    // Normal service: five users log in and write a key each.
    const ledger = new Ledger(app.url);
    const browsers = Array.from({ length: 5 }, () => ledger.browser());
    for (const [i, browser] of browsers.entries()) {
      expect((await browser.post(`/login/user${i}`)).status).toBe(201);
      expect((await ledger.write(browser, `browser ${i}`)).reply.status).toBe(201);
    }

    // The store stops while 50 writes are in flight.
    const batch = await writesInFlight(ledger, browsers, { count: 50, spreadMs: 500, atMs: 150, disrupt: () => outage.stop() });
    report.push(summary(`50 writes while ${outage.store} stops`, batch));
    expectOkOrUnavailable(batch);
    expect(batch.filter(({ reply }) => reply.status === 503).length).toBeGreaterThan(0);

    // While it is down: reads and writes answer a 503 at once...
    const reads = await Promise.all(browsers.map((browser) => timed(() => browser.get('/session'))));
    const writes = await Promise.all(browsers.map((browser, i) => ledger.write(browser, `browser ${i}`)));
    report.push(summary('reads while down', reads), summary('writes while down', writes));
    for (const { reply } of [...reads, ...writes]) expectUnavailable(reply);
    expectOkOrUnavailable([...reads, ...writes]);

    // ...and the app with onStoreError: 'empty' serves an empty session that it never saves.
    const visitor = new Browser(empty.url);
    visitor.jar.set('session', browsers[0].jar.get('session') as string);
    const served = await timed(() => visitor.get('/session'));
    report.push(summary("'empty' app read while down", [served]));
    expect(served.reply.status).toBe(200);
    expect(served.reply.json).toEqual({ isNew: true, data: {} });
    expect(sessionCookies(served.reply)).toEqual([]);
    expect(served.ms).toBeLessThan(LATENCY_BOUND);

    // The store starts again: the same apps and stores serve again by themselves.
    await outage.start();
    const recovery = await waitUntil(async () => succeeded((await browsers[0].get('/session')).status), 10000);
    report.push(`service back ${recovery} ms after ${outage.startedWhen}`);
    for (const [i, browser] of browsers.entries()) expect((await ledger.write(browser, `browser ${i}`)).reply.status).toBe(201);
    // The 'empty' app has its own client, which reconnects on its own schedule: it too must
    // come back by itself and then read the real session.
    await waitUntil(async () => (await visitor.get('/session')).json?.data?.uid === 'user0', 10000);

    // No acknowledged write was lost: before, during or after the outage.
    expect(ledger.size).toBeGreaterThan(10);
    expect(await ledger.lost()).toEqual([]);
    expect(watch.errors).toEqual([]);
  } finally {
    watch.stop();
    // eslint-disable-next-line no-console
    console.log(`${outage.store} outage on ${platform}:\n  ${report.join('\n  ')}`);
  }
}
