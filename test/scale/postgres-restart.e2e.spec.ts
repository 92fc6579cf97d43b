import type { DataSource } from 'typeorm';
import { describeWithPostgresBinaries, type PostgresServer, startPostgres } from '../setup/postgres-server';
import { expectServedThroughFailover, failoverUnderLoad } from './fleet/failover-run';
import { type Fleet, startFleet } from './fleet/fleet';
import { sessionDataSource, type StoreSpec } from './fleet/store-spec';

/**
 * A PostgreSQL restart under load from 3 app processes: a private server (port 17530) is stopped
 * (fast shutdown: open transactions roll back, connections are cut) and started again on the
 * same data. Every app process must come back by itself, and, the database being durable, no
 * acknowledged write may be lost.
 */
const STORE_TIMEOUT = 1000;
/** On top of restart time + storeTimeout: the pools drop their dead connections and open new ones. */
const RECONNECT_SLACK = 1000;
const DOWN_MS = 1000;

describeWithPostgresBinaries()('PostgreSQL restart under load from 3 app processes', () => {
  let server: PostgresServer;
  let fleet: Fleet;
  let dataSource: DataSource;

  beforeAll(async () => {
    server = await startPostgres(17530);
    const store: StoreSpec = { kind: 'typeorm', type: 'postgres', host: '127.0.0.1', port: server.port, username: 'postgres', database: 'postgres', tableName: 'scale_sessions' };
    dataSource = sessionDataSource(store, true);
    await dataSource.initialize();
    fleet = await startFleet({ platform: ['express', 'fastify', 'express'], store, ports: [17440, 17441, 17442], storeTimeout: STORE_TIMEOUT });
  }, 120000);
  afterAll(async () => {
    await fleet?.stop();
    await dataSource?.destroy().catch(() => undefined);
    await server?.cleanup();
  }, 60000);

  it('answers 503 no longer than the restart + storeTimeout, never hangs, recovers by itself, and loses no acknowledged write', async () => {
    const result = await failoverUnderLoad(`PostgreSQL restart (${DOWN_MS} ms down, storeTimeout ${STORE_TIMEOUT} ms)`, fleet, {
      disrupt: async () => {
        const at = Date.now();
        await server.stop();
        return at;
      },
      restored: async () => {
        await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
        await server.start();
      },
    });

    expectServedThroughFailover(result, { storeTimeout: STORE_TIMEOUT, reconnectSlack: RECONNECT_SLACK });
    // The database is durable: no acknowledged write may be lost.
    expect(result.lostAckedAt).toEqual([]);
  }, 120000);
});
