import { SessionOptionsError } from '../../errors';
import type { SaveOutcome, SessionWrite } from '../../contract/session-store';
import { LockedRow, planPatch, rowParams } from './session-patch';
import type { SessionSql } from './session-sql';
import type { DataSourceLike } from './typeorm-like.types';

/** The few better-sqlite3 calls the writer needs (its types are not a dependency). */
interface Statement {
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): { changes: number };
}
interface Database {
  prepare(sql: string): Statement;
  pragma(source: string, options?: { simple: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): { immediate(...args: A): R };
}

interface Prepared {
  database: Database;
  save: { immediate(id: string, write: SessionWrite): SaveOutcome };
  touch: Statement;
  remove: Statement;
}

/**
 * Writes on SQLite synchronously through better-sqlite3. TypeORM's better-sqlite3 driver shares a
 * single connection and query runner, so two of its async transactions at once collide ("cannot
 * start a transaction within a transaction") or interleave. A synchronous transaction cannot be
 * interleaved by anything in this process, and `BEGIN IMMEDIATE` takes the write lock before the
 * read, so another process on the same file waits instead of failing on a lock upgrade.
 *
 * Timeouts: a write waits for another process's lock at most `timeout` ms (SQLite's busy
 * timeout, set for the call and restored after it), then fails with SQLITE_BUSY having written
 * nothing. Being synchronous, a write is always over, committed or rolled back, when its promise
 * settles: it can never land after the module gave up on it.
 */
export class SqliteSessionWriter {
  private prepared?: Prepared;

  constructor(
    private readonly dataSource: DataSourceLike,
    private readonly sql: SessionSql,
  ) {}

  save(id: string, write: SessionWrite, timeout: number): SaveOutcome {
    return this.bounded(timeout, (prepared) => prepared.save.immediate(id, write));
  }

  touch(id: string, touchedAt: number, ttl: number, timeout: number): boolean {
    const now = Date.now();
    return this.bounded(timeout, (prepared) => prepared.touch.run(touchedAt, now + ttl, id, now).changes > 0);
  }

  destroy(id: string, timeout: number): void {
    this.bounded(timeout, (prepared) => prepared.remove.run(id));
  }

  private bounded<T>(timeout: number, work: (prepared: Prepared) => T): T {
    const prepared = this.prepare();
    const { database } = prepared;
    const before = Number(database.pragma('busy_timeout', { simple: true }));
    database.pragma(`busy_timeout = ${Math.ceil(timeout)}`);
    try {
      return work(prepared);
    } finally {
      database.pragma(`busy_timeout = ${before}`);
    }
  }

  /** Statements are prepared on first use and again if the DataSource reconnected. */
  private prepare(): Prepared {
    const database = (this.dataSource.driver as unknown as { databaseConnection?: Database }).databaseConnection;
    if (!database) throw new SessionOptionsError('the SQLite DataSource is not initialized: initialize it before the first request (TypeOrmModule does).');
    if (database === this.prepared?.database) return this.prepared;
    const lock = database.prepare(this.sql.lock);
    const insert = database.prepare(this.sql.insert);
    const update = database.prepare(this.sql.update);
    const remove = database.prepare(this.sql.delete);
    const save = database.transaction((id: string, write: SessionWrite): SaveOutcome => {
      const plan = planPatch(lock.get(id) as LockedRow | undefined, write, Date.now());
      if (plan.outcome === 'saved' && plan.statement === 'insert') insert.run(id, ...rowParams(plan.values));
      if (plan.outcome === 'saved' && plan.statement === 'update') update.run(...rowParams(plan.values), id);
      if (plan.outcome === 'deleted' && plan.statement) remove.run(id);
      return plan.outcome;
    });
    this.prepared = { database, save, touch: database.prepare(this.sql.touch), remove };
    return this.prepared;
  }
}
