import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SessionOptionsError } from '../../lib';
import { TypeOrmSessionStore } from '../../lib/stores/typeorm';
import { describeWith, ServiceName } from '../setup/services';
import { openMariaDb, openPostgres, openSqlite, TypeOrmHarness } from './harnesses/typeorm.harness';
import { SessionTable } from './harnesses/typeorm-table';
import { newId, runStoreContract, write } from './store-contract';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What user_id holds: the hex SHA-256 of the user id's UTF-8 text (any length, exact match on every database). */
const hashed = (userId: string) => createHash('sha256').update(userId, 'utf8').digest('hex');

/** The catalog's view of the migrated table on each database (see SessionTable.inspect). */
const BACKENDS: { name: string; services: ServiceName[]; open: typeof openSqlite; columns: Record<string, string> }[] = [
  {
    name: 'PostgreSQL',
    services: ['postgres'],
    open: openPostgres,
    columns: { id: 'character varying(43)', data: 'text', created_at: 'bigint', touched_at: 'bigint', expires_at: 'bigint', user_id: 'character varying(255) null' },
  },
  {
    name: 'MariaDB',
    services: ['mariadb'],
    open: openMariaDb,
    columns: {
      id: 'varchar(43) ascii_bin',
      data: 'mediumtext utf8mb4_bin',
      created_at: 'bigint(20)',
      touched_at: 'bigint(20)',
      expires_at: 'bigint(20)',
      user_id: 'varchar(255) utf8mb4_bin null',
    },
  },
  {
    name: 'SQLite',
    services: [],
    open: openSqlite,
    columns: { id: 'varchar(43)', data: 'text', created_at: 'bigint', touched_at: 'bigint', expires_at: 'bigint', user_id: 'varchar(255) null' },
  },
];

for (const backend of BACKENDS) {
  describeWith(backend.services)(`typeorm store on ${backend.name}`, () => {
    runStoreContract(`typeorm ${backend.name}`, () => backend.open());

    describe('table and rows', () => {
      let harness: TypeOrmHarness;
      let table: SessionTable;
      beforeAll(async () => {
        harness = await backend.open({ cleanupInterval: 0 });
        table = new SessionTable(harness);
      });
      afterAll(async () => harness?.cleanup());

      it('the migration creates the columns, the primary key and both indexes', async () => {
        const { columns, indexes } = await table.inspect();
        expect(columns).toEqual(backend.columns);
        const t = harness.tableName;
        expect(indexes).toMatchObject({ [`IDX_${t}_expires_at`]: ['expires_at'], [`IDX_${t}_user_id`]: ['user_id'] });
        expect(Object.values(indexes)).toContainEqual(['id']);
        expect(Object.keys(indexes)).toHaveLength(3);
      });

      it('the entity matches the migration: synchronize would change nothing', async () => {
        const log = await harness.dataSource.driver.createSchemaBuilder().log();
        expect(log.upQueries.map((query) => query.query)).toEqual([]);
      });

      it('stores a row as documented: id, ASCII JSON data, epoch-ms times, hashed user id', async () => {
        const id = newId();
        const now = Date.now();
        const data = { name: 'Zoë 😀', n: 1 };
        await harness.store.save(id, write(data, { create: true, createdAt: now - 10, touchedAt: now, ttl: 60000, userId: 'u-1' }));
        const row = await table.row(id);
        expect(row?.id).toBe(id);
        expect(row?.data).toBe('{"name":"Zo\\u00eb \\ud83d\\ude00","n":1}');
        expect(JSON.parse(String(row?.data))).toEqual(data);
        expect(Number(row?.created_at)).toBe(now - 10);
        expect(Number(row?.touched_at)).toBe(now);
        expect(Number(row?.expires_at)).toBeGreaterThanOrEqual(now + 60000);
        expect(Number(row?.expires_at)).toBeLessThanOrEqual(Date.now() + 60000);
        expect(row?.user_id).toBe(hashed('u-1'));
      });

      it('keeps the user id through patches that leave it undefined, and matches it case-sensitively', async () => {
        const id = newId();
        await harness.store.save(id, write({ a: 1 }, { create: true, userId: 'Bob' }));
        await harness.store.save(id, write({ b: 2 }));
        expect((await table.row(id))?.user_id).toBe(hashed('Bob'));
        expect(await harness.store.findByUser('Bob')).toEqual([id]);
        expect(await harness.store.findByUser('bob')).toEqual([]);
      });

      // Tables of earlier versions hold plain user ids: their live rows are still found (and
      // logged out everywhere) until they expire, matched exactly, never by the collation.
      it("finds rows written before user ids were hashed, exactly: 'alice ' is not 'alice'", async () => {
        const [legacy, current] = [newId(), newId()];
        const user = `alice-${newId().slice(0, 6)}`;
        await table.insert([{ id: legacy, expiresAt: Date.now() + 60000, data: '{"uid":1}', userId: user }]);
        await harness.store.save(current, write({ uid: user }, { create: true, userId: user }));
        expect((await harness.store.findByUser(user)).sort()).toEqual([legacy, current].sort());
        expect(await harness.store.findByUser(`${user} `)).toEqual([]);
        expect(await harness.store.findByUser(user.toUpperCase())).toEqual([]);
        await harness.store.save(legacy, write({ uid: user }, { userId: user }));
        expect((await table.row(legacy))?.user_id).toBe(hashed(user));
      });

      it('never patches, touches or lists an expired row; a create replaces it', async () => {
        const id = newId();
        const expiresAt = Date.now() - 1000;
        await table.insert([{ id, expiresAt, data: '{"old":1}', userId: 'u-expired' }]);
        expect(await harness.store.get(id)).toBeNull();
        expect(await harness.store.save(id, write({ a: 1 }))).toBe('missing');
        expect(await harness.store.touch(id, Date.now(), 60000)).toBe(false);
        expect(await harness.store.findByUser('u-expired')).toEqual([]);
        const row = await table.row(id);
        expect([row?.data, Number(row?.expires_at)]).toEqual(['{"old":1}', expiresAt]);
        const createdAt = Date.now();
        expect(await harness.store.save(id, write({ fresh: true }, { create: true, createdAt }))).toBe('saved');
        expect(await harness.store.get(id)).toEqual({ data: { fresh: true }, createdAt, touchedAt: expect.any(Number) });
        expect((await table.row(id))?.user_id).toBeNull();
      });

      it('creates 100 new sessions at once, each patched right away, without a deadlock or retry', async () => {
        const ids = Array.from({ length: 100 }, () => newId());
        const statements = harness.queries.start();
        const outcomes = await Promise.all(ids.map(async (id, i) => [await harness.store.save(id, write({ i }, { create: true })), await harness.store.save(id, write({ j: i }))]));
        expect(outcomes.flat().every((outcome) => outcome === 'saved')).toBe(true);
        // A rollback would mean a deadlock (InnoDB gap locks) that the store had to retry.
        expect(statements.filter((sql) => sql.includes('ROLLBACK'))).toEqual([]);
        const records = await Promise.all(ids.map((id) => harness.store.get(id)));
        expect(records.map((record) => record?.data)).toEqual(ids.map((_, i) => ({ i, j: i })));
      });

      it("saves while the app's own TypeORM transaction is open (SQLite: on the one shared connection)", async () => {
        const id = newId();
        await harness.dataSource.transaction(async (manager) => {
          await manager.query('SELECT 1');
          expect(await harness.store.save(id, write({ a: 1 }, { create: true }))).toBe('saved');
          expect(await harness.store.save(id, write({ b: 2 }))).toBe('saved');
        });
        expect((await harness.store.get(id))?.data).toEqual({ a: 1, b: 2 });
      });

      it('leaves a DataSource it was given initialized after close()', async () => {
        await harness.store.close();
        expect(harness.dataSource.isInitialized).toBe(true);
        expect(Number((await harness.dataSource.query('SELECT 1 AS one'))[0].one)).toBe(1);
      });
    });

    describe('cleanup of expired rows', () => {
      it('prune() deletes only expired rows, 1000 per statement, letting the event loop turn between them', async () => {
        const harness = await backend.open({ cleanupInterval: 0, cleanupBatchSize: 1000 });
        try {
          const table = new SessionTable(harness);
          const now = Date.now();
          const live = Array.from({ length: 10 }, () => ({ id: newId(), expiresAt: now + 60000 }));
          await table.insert(Array.from({ length: 2500 }, (_, i) => ({ id: newId(), expiresAt: now - 1000 - i })));
          await table.insert(live);
          const statements = harness.queries.start();
          let turned = false;
          setImmediate(() => (turned = true));
          expect(await harness.store.prune()).toBe(2500);
          expect(statements.filter((sql) => sql.startsWith('DELETE'))).toHaveLength(3);
          // The event loop ran between batches (better-sqlite3 alone would never let it).
          expect(turned).toBe(true);
          expect(await table.count()).toBe(10);
          expect((await Promise.all(live.map(({ id }) => table.row(id)))).every(Boolean)).toBe(true);
          expect(await harness.store.prune()).toBe(0);
        } finally {
          await harness.cleanup();
        }
      });

      it('runs on the cleanupInterval timer, which close() stops', async () => {
        const harness = await backend.open({ cleanupInterval: 100 });
        try {
          const table = new SessionTable(harness);
          await table.insert([
            { id: newId(), expiresAt: Date.now() - 1 },
            { id: newId(), expiresAt: Date.now() + 60000 },
          ]);
          for (let waited = 0; (await table.count()) > 1 && waited < 3000; waited += 50) await sleep(50);
          expect(await table.count()).toBe(1);
          await harness.store.close();
          await table.insert([{ id: newId(), expiresAt: Date.now() - 1 }]);
          await sleep(400);
          expect(await table.count()).toBe(2);
        } finally {
          await harness.cleanup();
        }
      });
    });
  });
}

describe('typeorm store options', () => {
  const sqlite = () => new DataSource({ type: 'better-sqlite3', database: ':memory:' });

  it('refuses DataSources of other databases, table names that are not plain SQL names, and bad cleanup settings', () => {
    const mssql = { options: { type: 'mssql' }, driver: {} } as unknown as DataSource;
    expect(() => new TypeOrmSessionStore({ dataSource: mssql })).toThrow(SessionOptionsError);
    expect(() => new TypeOrmSessionStore({ dataSource: sqlite(), tableName: 'x; DROP TABLE y' })).toThrow(/tableName/);
    expect(() => new TypeOrmSessionStore({ dataSource: sqlite(), tableName: 'a.b.c' })).toThrow(/tableName/);
    expect(() => new TypeOrmSessionStore({ dataSource: sqlite(), cleanupInterval: 2 ** 31 })).toThrow(/cleanupInterval/);
    expect(() => new TypeOrmSessionStore({ dataSource: sqlite(), cleanupBatchSize: 0 })).toThrow(/cleanupBatchSize/);
  });
});
