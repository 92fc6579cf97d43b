import { QueryFailedError } from 'typeorm';
import { SessionOptionsError } from '../../lib/errors';
import { TypeOrmSessionStore } from '../../lib/stores/typeorm';
import { describeWith } from '../setup/services';
import { openPostgres, openSqlite, type TypeOrmHarness } from './harnesses/typeorm.harness';
import { newId, write } from './store-contract';

const TTL = 60_000;

/** The store's prepared statements on the one pooled connection (`pool: { max: 1 }`). */
async function prepared(h: TypeOrmHarness): Promise<{ name: string; statement: string }[]> {
  return h.dataSource.query("SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'nest\\_session\\_%' ORDER BY name");
}

/** How many times the store's prepared statements have run on the one connection (PostgreSQL counts a plan per run). */
async function preparedRuns(h: TypeOrmHarness): Promise<number> {
  const [row] = await h.dataSource.query("SELECT coalesce(sum(generic_plans + custom_plans), 0)::int AS runs FROM pg_prepared_statements WHERE name LIKE 'nest\\_session\\_%'");
  return row.runs;
}

/** A login, reads, a write and a touch of one session. */
async function useOneSession(h: TypeOrmHarness): Promise<string> {
  const id = newId();
  expect(await h.store.save(id, write({ user: 'alice' }, { create: true, ttl: TTL }))).toBe('saved');
  expect(await h.store.get(id)).toMatchObject({ data: { user: 'alice' } });
  expect(await h.store.save(id, write({ n: 1 }, { ttl: TTL }))).toBe('saved');
  expect(await h.store.touch(id, Date.now(), TTL)).toBe(true);
  expect(await h.store.get(id)).toMatchObject({ data: { user: 'alice', n: 1 } });
  return id;
}

describeWith(['postgres'])('typeorm store on PostgreSQL: prepared statements', () => {
  it('runs its statements prepared: one per SQL text on a connection, none added by later calls', async () => {
    const h = await openPostgres({}, { max: 1 });
    try {
      await h.store.start({ timeout: 2000 });
      await useOneSession(h);
      const first = await prepared(h);
      // The insert of a login, the read, the merge of a write, the touch (and the startup check).
      expect(first.length).toBeGreaterThanOrEqual(4);
      expect(new Set(first.map((row) => row.statement)).size).toBe(first.length);
      expect(first.every((row) => row.statement.includes(h.tableName))).toBe(true);
      await useOneSession(h);
      expect(await prepared(h)).toEqual(first);
    } finally {
      await h.cleanup();
    }
  });

  it('with preparedStatements: false, prepares nothing and stores the same', async () => {
    const h = await openPostgres({ preparedStatements: false }, { max: 1 });
    try {
      await h.store.start({ timeout: 2000 });
      await useOneSession(h);
      expect(await prepared(h)).toEqual([]);
    } finally {
      await h.cleanup();
    }
  });

  it('keeps answering when a migration changes the table under a prepared statement', async () => {
    const h = await openPostgres({}, { max: 1 });
    try {
      await h.store.start({ timeout: 2000 });
      const id = await useOneSession(h);
      // The prepared read's result type changes: PostgreSQL refuses that statement from now on
      // ("cached plan must not change result type"); the store runs it unprepared instead.
      await h.dataSource.query(`ALTER TABLE ${h.dataSource.driver.escape(h.tableName)} ALTER COLUMN created_at TYPE numeric`);
      const record = await h.store.get(id);
      expect(record).toMatchObject({ data: { user: 'alice', n: 1 } });
      expect(typeof record?.createdAt).toBe('number');
      expect(await h.store.save(id, write({ n: 2 }, { ttl: TTL }))).toBe('saved');
      expect(await h.store.get(id)).toMatchObject({ data: { user: 'alice', n: 2 } });
    } finally {
      await h.cleanup();
    }
  });

  it('logs a statement once on the call that falls back to running it unprepared', async () => {
    const h = await openPostgres({}, { max: 1 });
    try {
      await h.store.start({ timeout: 2000 });
      const id = await useOneSession(h);
      await h.dataSource.query(`ALTER TABLE ${h.dataSource.driver.escape(h.tableName)} ALTER COLUMN created_at TYPE numeric`);
      const logged = h.queries.start();
      // Refused prepared, then run unprepared: one read, so one line in the app's query log.
      expect(await h.store.get(id)).toMatchObject({ data: { user: 'alice', n: 1 } });
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain(h.tableName);
      // From then on it runs through TypeORM, which logs it once too.
      expect(await h.store.get(id)).toMatchObject({ data: { user: 'alice', n: 1 } });
      expect(logged).toEqual([logged[0], logged[0]]);
    } finally {
      await h.cleanup();
    }
  });

  it('throws any other feature_not_supported (0A000) error as PostgreSQL raised it, runs the statement once, and keeps it prepared', async () => {
    const h = await openPostgres({}, { max: 1 });
    const table = h.dataSource.driver.escape(h.tableName);
    const refuse = h.dataSource.driver.escape(`${h.tableName}_refuse`);
    const attempts = h.dataSource.driver.escape(`${h.tableName}_attempts`);
    try {
      await h.store.start({ timeout: 2000 });
      const id = await useOneSession(h);
      // A trigger that refuses writes with SQLSTATE 0A000, as a maintenance window might; the
      // sequence counts how many times the save's UPDATE reached it (nextval is not rolled back).
      await h.dataSource.query(`CREATE SEQUENCE ${attempts}`);
      await h.dataSource.query(
        `CREATE FUNCTION ${refuse}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('${attempts}'); ` +
          `RAISE EXCEPTION 'sessions are read-only during maintenance' USING ERRCODE = 'feature_not_supported'; END $$`,
      );
      await h.dataSource.query(`CREATE TRIGGER ${refuse} BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${refuse}()`);
      const logged = h.queries.start();
      const error = await h.store.save(id, write({ n: 2 }, { ttl: TTL })).catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ code: '0A000', message: 'sessions are read-only during maintenance' });
      // pg's own error, not TypeORM's QueryFailedError from a second, unprepared run.
      expect(error).not.toBeInstanceOf(QueryFailedError);
      expect(logged).toHaveLength(1);
      expect((await h.dataSource.query(`SELECT last_value::int AS n FROM ${attempts}`))[0].n).toBe(1);
      await h.dataSource.query(`DROP TRIGGER ${refuse} ON ${table}`);
      // The trigger gone, the save runs on its prepared statement again, not unprepared from now on.
      const before = await preparedRuns(h);
      expect(await h.store.save(id, write({ n: 3 }, { ttl: TTL }))).toBe('saved');
      expect(await preparedRuns(h)).toBeGreaterThan(before);
      expect(await h.store.get(id)).toMatchObject({ data: { user: 'alice', n: 3 } });
    } finally {
      await h.dataSource.query(`DROP TRIGGER IF EXISTS ${refuse} ON ${table}`);
      await h.dataSource.query(`DROP FUNCTION IF EXISTS ${refuse}()`);
      await h.dataSource.query(`DROP SEQUENCE IF EXISTS ${attempts}`);
      await h.cleanup();
    }
  });
});

describe('typeorm store: preparedStatements on another database (SQLite)', () => {
  it('refuses preparedStatements: true at construction, and takes false', async () => {
    const h = await openSqlite();
    try {
      expect(() => new TypeOrmSessionStore({ dataSource: h.dataSource, tableName: h.tableName, preparedStatements: true })).toThrow(SessionOptionsError);
      expect(() => new TypeOrmSessionStore({ dataSource: h.dataSource, tableName: h.tableName, preparedStatements: true })).toThrow(/PostgreSQL option/);
      await new TypeOrmSessionStore({ dataSource: h.dataSource, tableName: h.tableName, preparedStatements: false, cleanupInterval: 0 }).close();
    } finally {
      await h.cleanup();
    }
  });
});
