import type { DataSource } from 'typeorm';
import type { SaveOutcome, SessionWrite } from '../session-store';
import { LockedRow, planPatch, rowParams } from './session-patch';
import type { SessionSql } from './session-sql';

/** The few better-sqlite3 calls the writer needs (its types are not a dependency). */
interface Statement {
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): unknown;
}
interface Database {
  prepare(sql: string): Statement;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): { immediate(...args: A): R };
}

type Save = { immediate(id: string, write: SessionWrite): SaveOutcome };

/**
 * Saves on SQLite as one synchronous better-sqlite3 transaction. TypeORM's better-sqlite3 driver
 * shares a single connection and query runner, so two of its async transactions at once collide
 * ("cannot start a transaction within a transaction") or interleave. A synchronous transaction
 * cannot be interleaved by anything in this process, and `BEGIN IMMEDIATE` takes the write lock
 * before the read, so another process on the same file waits (busy timeout) instead of failing
 * on a lock upgrade.
 */
export class SqliteSessionWriter {
  private database?: Database;
  private transaction?: Save;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sql: SessionSql,
  ) {}

  save(id: string, write: SessionWrite): SaveOutcome {
    return this.prepared().immediate(id, write);
  }

  /** Statements are prepared on first use and again if the DataSource reconnected. */
  private prepared(): Save {
    const database = (this.dataSource.driver as unknown as { databaseConnection?: Database }).databaseConnection;
    if (!database) throw new Error('nest-session: the SQLite DataSource is not initialized');
    if (database === this.database && this.transaction) return this.transaction;
    const lock = database.prepare(this.sql.lock);
    const insert = database.prepare(this.sql.insert);
    const update = database.prepare(this.sql.update);
    const remove = database.prepare(this.sql.delete);
    this.transaction = database.transaction((id: string, write: SessionWrite): SaveOutcome => {
      const plan = planPatch(lock.get(id) as LockedRow | undefined, write, Date.now());
      if (plan.outcome === 'saved' && plan.statement === 'insert') insert.run(id, ...rowParams(plan.values));
      if (plan.outcome === 'saved' && plan.statement === 'update') update.run(...rowParams(plan.values), id);
      if (plan.outcome === 'deleted' && plan.statement) remove.run(id);
      return plan.outcome;
    });
    this.database = database;
    return this.transaction;
  }
}
