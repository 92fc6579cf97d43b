import { DataSource } from 'typeorm';
import { CreateSessionTable1767225600000, createSessionEntity, TypeOrmSessionStore } from '../../lib/stores/typeorm';
import { PLATFORMS, TestApp } from '../e2e/app';
import { describeWithPostgresBinaries, PostgresServer, startPostgres } from '../setup/postgres-server';
import { outageApps } from './outage-helpers';
import { storeOutageUnderLoad } from './outage-under-load';

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
      await storeOutageUnderLoad(
        platform,
        { app, empty },
        {
          store: 'PostgreSQL',
          // Fast shutdown: transactions rolled back, connections cut.
          stop: () => server.stop(),
          // On the same data dir: TypeORM's pool reconnects, the same apps serve again.
          start: () => server.start(),
          startedWhen: 'pg_ctl start returned',
        },
      );
    }, 60000);
  });
});
