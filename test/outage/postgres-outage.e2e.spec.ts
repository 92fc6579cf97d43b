import { DataSource } from 'typeorm';
import { CreateSessionTable1767225600000, createSessionEntity, TypeOrmSessionStore } from '../../lib/stores/typeorm';
import { Browser, PLATFORMS, TestApp } from '../e2e/app';
import { describeWithPostgresBinaries, PostgresServer, startPostgres } from '../setup/postgres-server';
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

const ok = (status: number) => status >= 200 && status < 300;

describeWithPostgresBinaries()('PostgreSQL stops and restarts under load, through SessionModule over HTTP', () => {
  describe.each(PLATFORMS)('on %s', (platform) => {
    let server: PostgresServer;
    const dataSources: DataSource[] = [];
    let app: TestApp;
    let empty: TestApp;

    /** A DataSource as an app would own one: the entity registered, the migration run. */
    async function dataSource(): Promise<DataSource> {
      const source = new DataSource({
        ...server.connection,
        entities: [createSessionEntity({ type: 'postgres' })],
        migrations: [CreateSessionTable1767225600000],
      });
      dataSources.push(source);
      await source.initialize();
      await source.runMigrations();
      return source;
    }

    beforeAll(async () => {
      server = await startPostgres();
      const store = async () => new TypeOrmSessionStore({ dataSource: await dataSource(), cleanupInterval: 0 });
      ({ app, empty } = await outageApps(platform, await store(), await store()));
    }, 60000);
    afterAll(async () => {
      await app?.close();
      await empty?.close();
      for (const source of dataSources) await source.destroy().catch(() => undefined);
      await server?.cleanup();
    }, 60000);

    it('answers 2xx or a fast 503 while PostgreSQL goes down, recovers by itself, and loses no acknowledged write', async () => {
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

        // PostgreSQL stops (fast shutdown: transactions rolled back, connections cut) while 50 writes are in flight.
        const batch = await writesInFlight(ledger, browsers, { count: 50, spreadMs: 500, atMs: 150, disrupt: () => server.stop() });
        report.push(summary('50 writes while PostgreSQL stops', batch));
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

        // PostgreSQL restarts on the same data dir: TypeORM's pool reconnects, the same apps serve again.
        await server.start();
        const recovery = await waitUntil(async () => ok((await browsers[0].get('/session')).status), 10000);
        report.push(`service back ${recovery} ms after pg_ctl start returned`);
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
        console.log(`PostgreSQL outage on ${platform}:\n  ${report.join('\n  ')}`);
      }
    }, 60000);
  });
});
