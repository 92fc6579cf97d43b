import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisSessionStore } from '../../lib';
import { Browser, PLATFORMS, TestApp } from '../e2e/app';
import { freePort } from '../setup/postgres-server';
import { startServer, stopServers } from '../setup/redis-topology';
import { describeWith } from '../setup/services';
import {
  expectOkOrUnavailable,
  expectUnavailable,
  Ledger,
  outageApps,
  sessionCookies,
  STORE_TIMEOUT,
  summary,
  timed,
  waitUntil,
  watchProcess,
  writesInFlight,
} from './outage-helpers';

/** Every acknowledged write is on disk before Redis answers, so a restart keeps it. */
const DURABLE = ['--appendonly', 'yes', '--appendfsync', 'always'];
const ok = (status: number) => status >= 200 && status < 300;

describeWith(['redis-server'])('Redis stops and restarts under load, through SessionModule over HTTP', () => {
  describe.each(PLATFORMS)('on %s', (platform) => {
    let dir: string;
    let port: number;
    let app: TestApp;
    let empty: TestApp;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'nest-session-redis-e2e-outage-'));
      port = await freePort();
      await startServer(port, dir, ...DURABLE);
      const store = () => new RedisSessionStore({ connection: { host: '127.0.0.1', port }, prefix: 'outage:' });
      ({ app, empty } = await outageApps(platform, store(), store()));
    });
    afterAll(async () => {
      await app?.close();
      await empty?.close();
      if (port) await stopServers([port]);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('answers 2xx or a fast 503 while Redis goes down, recovers by itself, and loses no acknowledged write', async () => {
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

        // Redis stops while 50 writes are in flight.
        const batch = await writesInFlight(ledger, browsers, { count: 50, spreadMs: 500, atMs: 150, disrupt: () => stopServers([port]) });
        report.push(summary('50 writes while Redis stops', batch));
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
        expect(served.ms).toBeLessThan(STORE_TIMEOUT + 1000);

        // Redis restarts: the same apps and stores serve again by themselves.
        await startServer(port, dir, ...DURABLE);
        const recovery = await waitUntil(async () => ok((await browsers[0].get('/session')).status), 10000);
        report.push(`service back ${recovery} ms after redis-server answered PING`);
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
        console.log(`Redis outage on ${platform}:\n  ${report.join('\n  ')}`);
      }
    });
  });
});
