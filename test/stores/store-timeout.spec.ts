import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { SessionStoreTimeoutError } from '../../lib';
import { RedisSessionStore } from '../../lib/stores/redis';
import { startServer, stopServers } from '../setup/redis-topology';
import { describeWith, type ServiceName } from '../setup/services';
import { testPrefix } from './harnesses/redis.harness';
import { openMariaDb, openPostgres, openSqlite, type TypeOrmHarness } from './harnesses/typeorm.harness';
import { SessionTable } from './harnesses/typeorm-table';
import { newId, write } from './store-contract';

/**
 * Issue 11.6: "a 503 means nothing was written". A save that times out inside the store must not
 * land later, when what held it up lets go. Each case holds the session up from outside the
 * store (a row lock from a second connection, a write lock on the SQLite file, a paused Redis),
 * lets a save with a short timeout fail, releases the hold, and checks that the stored data did
 * not change.
 */
const TIMEOUT = 300;
/** The module's outer bound: the store must have given up before it. */
const OUTER = TIMEOUT + 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `call` and times it (a thunk: SQLite's writes run synchronously inside the call). */
async function timed<T>(call: () => Promise<T>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await Promise.resolve().then(call).then(() => undefined, (failure: unknown) => failure);
  return { error, ms: Date.now() - started };
}

const SQL: { name: string; services: ServiceName[]; open: typeof openPostgres }[] = [
  { name: 'PostgreSQL', services: ['postgres'], open: openPostgres },
  { name: 'MariaDB', services: ['mariadb'], open: openMariaDb },
];

for (const backend of SQL) {
  describeWith(backend.services)(`typeorm store on ${backend.name}: a timed-out save writes nothing`, () => {
    let harness: TypeOrmHarness;
    let table: SessionTable;
    beforeAll(async () => {
      harness = await backend.open({ cleanupInterval: 0 });
      table = new SessionTable(harness);
      await harness.store.start({ timeout: TIMEOUT });
    });
    afterAll(async () => harness?.cleanup());

    /** Locks the row from another connection of the pool until `release()`. */
    async function lockRow(id: string): Promise<() => Promise<void>> {
      const other = harness.dataSource.createQueryRunner();
      await other.startTransaction();
      const placeholder = harness.dataSource.options.type === 'postgres' ? '$1' : '?';
      await other.query(`SELECT id FROM ${table.table} WHERE id = ${placeholder} FOR UPDATE`, [id]);
      return async () => {
        await other.commitTransaction();
        await other.release();
      };
    }

    it('fails a patch held up by a row lock before the outer bound, and the row is unchanged after the lock goes', async () => {
      const id = newId();
      expect(await harness.store.save(id, write({ cart: ['book'] }, { create: true }))).toBe('saved');
      const before = await table.row(id);
      const release = await lockRow(id);
      const { error, ms } = await timed(() => harness.store.save(id, write({ cart: ['book', 'pen'], paid: true })));
      await release();
      expect(error).toBeInstanceOf(SessionStoreTimeoutError);
      expect(ms).toBeLessThan(OUTER);
      await sleep(300);
      expect(await table.row(id)).toEqual(before);
      expect((await harness.store.get(id))?.data).toEqual({ cart: ['book'] });
    });

    it('fails a touch and a destroy held up the same way, and both leave the row as it was', async () => {
      const id = newId();
      await harness.store.save(id, write({ a: 1 }, { create: true }));
      const before = await table.row(id);
      const release = await lockRow(id);
      const touched = await timed(() => harness.store.touch(id, Date.now() + 5000, 60000));
      const destroyed = await timed(() => harness.store.destroy(id));
      await release();
      expect(touched.error).toBeInstanceOf(SessionStoreTimeoutError);
      expect(destroyed.error).toBeInstanceOf(SessionStoreTimeoutError);
      expect(Math.max(touched.ms, destroyed.ms)).toBeLessThan(OUTER);
      await sleep(300);
      expect(await table.row(id)).toEqual(before);
    });

    it('saves when the lock goes before the timeout', async () => {
      const id = newId();
      await harness.store.save(id, write({ a: 1 }, { create: true }));
      const release = await lockRow(id);
      const saving = harness.store.save(id, write({ b: 2 }));
      await sleep(TIMEOUT / 3);
      await release();
      expect(await saving).toBe('saved');
      expect((await harness.store.get(id))?.data).toEqual({ a: 1, b: 2 });
    });
  });
}

describe('typeorm store on SQLite: a save held up by another process writes nothing', () => {
  let harness: TypeOrmHarness;
  beforeAll(async () => {
    harness = await openSqlite({ cleanupInterval: 0 });
    await harness.store.start({ timeout: TIMEOUT });
  });
  afterAll(async () => harness?.cleanup());

  it('fails with SQLITE_BUSY within the timeout while another connection holds the write lock', async () => {
    const id = newId();
    await harness.store.save(id, write({ a: 1 }, { create: true }));
    // Another connection to the same file, as another process would have.
    const other = await new DataSource({ type: 'better-sqlite3', database: harness.dataSource.options.database as string }).initialize();
    await other.query('BEGIN IMMEDIATE');
    const { error, ms } = await timed(() => harness.store.save(id, write({ a: 2 })));
    await other.query('COMMIT');
    await other.destroy();
    expect(error).toBeInstanceOf(SessionStoreTimeoutError);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT - 50);
    expect(ms).toBeLessThan(OUTER);
    expect((await harness.store.get(id))?.data).toEqual({ a: 1 });
  });
});

describeWith(['redis-server'])('redis store: a save that reaches Redis after its deadline writes nothing', () => {
  const port = 17210;
  const dir = mkdtempSync(join(tmpdir(), 'nest-session-redis-timeout-'));
  let raw: Redis;
  let store: RedisSessionStore;
  const prefix = testPrefix();
  beforeAll(async () => {
    await startServer(port, dir);
    raw = new Redis({ host: '127.0.0.1', port });
    store = new RedisSessionStore({ connection: { host: '127.0.0.1', port }, prefix });
    await store.start({ timeout: TIMEOUT });
  });
  afterAll(async () => {
    await store?.close();
    raw?.disconnect();
    await stopServers([port]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses in the script, by Redis TIME, a save that Redis held past the deadline', async () => {
    const id = newId();
    await store.save(id, write({ cart: ['book'] }, { create: true }));
    const key = `${prefix}{${id}}`;
    const before = await raw.hgetall(key);
    // Redis holds every write (scripts included) for longer than the store's timeout.
    await raw.call('CLIENT', 'PAUSE', String(TIMEOUT * 2), 'WRITE');
    const { error } = await timed(() => store.save(id, write({ cart: ['book', 'pen'] })));
    await sleep(TIMEOUT * 2);
    expect(error).toBeInstanceOf(SessionStoreTimeoutError);
    expect(await raw.hgetall(key)).toEqual(before);
    expect((await store.get(id))?.data).toEqual({ cart: ['book'] });
  });

  it('still saves when Redis answers in time', async () => {
    const id = newId();
    expect(await store.save(id, write({ a: 1 }, { create: true }))).toBe('saved');
    expect(await store.save(id, write({ b: 2 }))).toBe('saved');
    expect((await store.get(id))?.data).toEqual({ a: 1, b: 2 });
  });
});
