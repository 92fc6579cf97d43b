import { createServer, Server } from 'node:net';
import { DataSource } from 'typeorm';
import { SessionModule } from '../../lib';
import { CreateSessionTable1767225600000, createSessionEntity, TypeOrmSessionStore } from '../../lib/stores/typeorm';
import { Browser, createTestApp, PLATFORMS, SECRET, TestApp } from '../e2e/app';
import { describeWithPostgresBinaries, PostgresServer, startPostgres } from '../setup/postgres-server';
import { expectUnavailable, LATENCY_BOUND, OutageController, STORE_TIMEOUT, timed, waitUntil, watchProcess } from './outage-helpers';

/**
 * While PostgreSQL shuts down, a connection the pool is just opening can get its startup's last
 * message (ReadyForQuery) and the FATAL 57P01 "terminating connection due to administrator command"
 * in one TCP read. The outage scenario hits that now and then; here a stand-in server on the same
 * port sends exactly those bytes, so it happens every time.
 */
function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
const LAST_WORDS = Buffer.concat([
  message('R', Buffer.from([0, 0, 0, 0])), // AuthenticationOk
  message('Z', Buffer.from('I')), // ReadyForQuery: the connection is open
  message('E', Buffer.from('SFATAL\0VFATAL\0C57P01\0Mterminating connection due to administrator command\0\0')),
]);

describeWithPostgresBinaries()('PostgreSQL ends a connection as soon as it is opened (shutdown race)', () => {
  describe.each(PLATFORMS)('on %s', (platform) => {
    let server: PostgresServer;
    let dataSource: DataSource;
    let app: TestApp;

    beforeAll(async () => {
      server = await startPostgres();
      dataSource = new DataSource({ ...server.connection, entities: [createSessionEntity({ type: 'postgres' })], migrations: [CreateSessionTable1767225600000] });
      await dataSource.initialize();
      await dataSource.runMigrations();
      const store = new TypeOrmSessionStore({ dataSource, cleanupInterval: 0 });
      app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store, storeTimeout: STORE_TIMEOUT })], [OutageController]);
    }, 60000);
    afterAll(async () => {
      await app?.close();
      await dataSource?.destroy().catch(() => undefined);
      await server?.cleanup();
    }, 60000);

    it('answers 503 and does not crash the process, then serves again once PostgreSQL is back', async () => {
      const browser = new Browser(app.url);
      expect((await browser.post('/login/ann')).status).toBe(201);

      // PostgreSQL goes down; the pool drops its idle connections. A stand-in takes the port.
      await server.stop();
      const pool = (dataSource.driver as unknown as { master: { totalCount: number } }).master;
      await waitUntil(async () => pool.totalCount === 0, 5000);
      const standIn: Server = createServer((socket) => socket.once('data', () => socket.end(LAST_WORDS)));
      await new Promise<void>((resolve) => standIn.listen(server.port, '127.0.0.1', resolve));

      const watch = watchProcess();
      try {
        const read = await timed(() => browser.get('/session'));
        expectUnavailable(read.reply);
        expect(read.ms).toBeLessThan(LATENCY_BOUND);
        await new Promise((resolve) => setTimeout(resolve, 100)); // the error event fires in the same tick; leave room anyway
        expect(watch.errors).toEqual([]);
      } finally {
        watch.stop();
        await new Promise((resolve) => standIn.close(resolve));
      }

      await server.start();
      await waitUntil(async () => (await browser.get('/session')).status === 200, 10000);
      expect((await browser.get('/session')).json.data).toEqual({ uid: 'ann' });
    }, 60000);
  });
});
