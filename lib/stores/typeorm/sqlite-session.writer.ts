import { SessionOptionsError } from '../../errors';
import type { SaveOutcome, SessionWrite } from '../../contract/session-store';
import { jsonMergeStatement, jsonRemovalStatements, MergeStatement, removesOnly } from './session-merge';
import { createValues, LockedRow, planPatch, rowParams } from './session-patch';
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

/** Prepared patch shapes kept at most; past it they are prepared afresh. */
const MAX_MERGE_SHAPES = 64;

interface Prepared {
  database: Database;
  save: { immediate(id: string, write: SessionWrite): SaveOutcome };
  insertNew: Statement;
  /** The one-statement patches, by their text (a few shapes: how many keys set and removed). */
  merges: Map<string, Statement>;
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

  /**
   * One statement when it can be: a create is an `INSERT ... ON CONFLICT DO NOTHING`, a patch
   * that sets keys one `UPDATE` with `json_set`/`json_remove` (see jsonMergeStatement), one that
   * removes keys an `UPDATE` or, when it empties the session, a `DELETE` (jsonRemovalStatements).
   * The rest (a create whose id has a row, a key that is not a plain name, a removal that changed
   * no row) is the locked transaction, which also tells a missing row from an emptied one.
   */
  save(id: string, write: SessionWrite, timeout: number): SaveOutcome {
    return this.bounded(timeout, (prepared) => {
      const now = Date.now();
      const created = write.create ? createValues(write, now) : null;
      if (created && prepared.insertNew.run(id, ...rowParams(created)).changes > 0) return 'saved';
      if (!write.create) {
        const run = (statement: MergeStatement) => this.statement(prepared, statement.sql).run(...statement.params).changes > 0;
        const removal = removesOnly(write) ? jsonRemovalStatements('better-sqlite3', this.sql.table, id, write, now) : null;
        if (removal && run(removal.update)) return 'saved';
        if (removal && run(removal.remove)) return 'deleted';
        const merge = removal ? null : jsonMergeStatement('better-sqlite3', this.sql.table, id, write, now);
        if (merge) return run(merge) ? 'saved' : 'missing';
      }
      return prepared.save.immediate(id, write);
    });
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

  private statement(prepared: Prepared, sql: string): Statement {
    let statement = prepared.merges.get(sql);
    if (!statement) {
      if (prepared.merges.size >= MAX_MERGE_SHAPES) prepared.merges.clear();
      statement = prepared.database.prepare(sql);
      prepared.merges.set(sql, statement);
    }
    return statement;
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
    const insertNew = database.prepare(this.sql.insertNew);
    this.prepared = { database, save, insertNew, merges: new Map(), touch: database.prepare(this.sql.touch), remove };
    return this.prepared;
  }
}
