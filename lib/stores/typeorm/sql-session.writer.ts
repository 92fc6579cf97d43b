import type { SaveOutcome, SessionWrite } from '../../contract/session-store';
import { jsonMergeStatement, jsonRemovalStatements, MergeStatement, postgresMergeParams, postgresMergeSql, removesOnly } from './session-merge';
import { createValues, LockedRow, planPatch, rowParams } from './session-patch';
import type { TypeOrmSessionClient } from './typeorm-client';
import type { QueryRunnerLike } from './typeorm-like.types';

/** Lock conflicts a retry resolves: deadlock, serialization failure, a duplicate id from a racing create. */
const RETRYABLE = new Set(['40P01', '40001', '23505', 'ER_LOCK_DEADLOCK', 'ER_DUP_ENTRY']);
const ATTEMPTS = 3;

/**
 * The save of {@link TypeOrmSessionStore} on PostgreSQL and MySQL/MariaDB (SQLite has
 * {@link SqliteSessionWriter}): a create as one insert, a patch of a live row in one statement
 * where the database allows it, and otherwise a read-modify-write under a row lock, retried on
 * lock conflicts. The write's user id is already hashed.
 */
export class SqlSessionWriter {
  /** The PostgreSQL patch statements (see postgresMergeSql): [sets keys, only removes keys]. */
  private postgresMerge?: [string, string];

  constructor(private readonly db: TypeOrmSessionClient) {}

  async save(id: string, write: SessionWrite): Promise<SaveOutcome> {
    const deadline = Date.now() + this.db.timeout;
    const now = Date.now();
    // A fresh id has no row: insert it straight away. Locking a missing row first would take
    // InnoDB gap locks, and two creates in the same gap deadlock each other.
    const created = write.create ? createValues(write, now) : null;
    if (created) {
      try {
        if ((await this.db.single(this.db.sql.insertNew, [id, ...rowParams(created)], deadline)).affected > 0) return 'saved';
      } catch (error) {
        if (!isRetryable(error)) throw error;
      }
    }
    if (!write.create) {
      const outcome = await this.merge(id, write, now, deadline);
      if (outcome) return outcome;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((runner) => this.patch(runner, id, write), deadline);
      } catch (error) {
        if (attempt >= ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
  }

  /**
   * A patch of a live row in one statement (see session-merge.ts): its outcome, or `undefined`
   * when this write needs the locked read-modify-write (MySQL; on MariaDB a write that names an
   * unusual key, or a removal that changed no row; on PostgreSQL data that its `json` type
   * refuses, such as a `\u0000` escape; anywhere a deadlock, which the locked path retries).
   */
  private async merge(id: string, write: SessionWrite, now: number, deadline: number): Promise<SaveOutcome | undefined> {
    const { sql, type } = this.db;
    if (type === 'postgres') {
      try {
        const statements = (this.postgresMerge ??= [postgresMergeSql(sql.table, false), postgresMergeSql(sql.table, true)]);
        const statement = statements[removesOnly(write) ? 1 : 0];
        const [row] = (await this.db.single(statement, postgresMergeParams(id, write, now), deadline)).records;
        return row?.saved > 0 ? 'saved' : row?.deleted > 0 ? 'deleted' : 'missing';
      } catch (error) {
        if (isJsonError(error) || isRetryable(error)) return undefined;
        throw error;
      }
    }
    if (!this.db.mariadb) return undefined;
    const run = async (statement: MergeStatement) => (await this.db.single(statement.sql, statement.params, deadline)).affected > 0;
    try {
      if (removesOnly(write)) {
        const removal = jsonRemovalStatements(type, sql.table, id, write, now);
        if (!removal) return undefined;
        if (await run(removal.update)) return 'saved';
        return (await run(removal.remove)) ? 'deleted' : undefined;
      }
      const statement = jsonMergeStatement(type, sql.table, id, write, now);
      if (!statement) return undefined;
      return (await run(statement)) ? 'saved' : 'missing';
    } catch (error) {
      if (isRetryable(error)) return undefined;
      throw error;
    }
  }

  private async patch(runner: QueryRunnerLike, id: string, write: SessionWrite): Promise<SaveOutcome> {
    const prefix = this.db.statementPrefix;
    const [row] = (await runner.query(prefix + this.db.sql.lock, [id])) as LockedRow[];
    const plan = planPatch(row, write, Date.now());
    if (plan.outcome === 'saved') {
      if (plan.statement === 'insert') await runner.query(prefix + this.db.sql.insert, [id, ...rowParams(plan.values)]);
      else await runner.query(prefix + this.db.sql.update, [...rowParams(plan.values), id]);
    } else if (plan.outcome === 'deleted' && plan.statement) {
      await runner.query(prefix + this.db.sql.delete, [id]);
    }
    return plan.outcome;
  }
}

/** PostgreSQL data exceptions (class 22): text that its `json` type refuses. */
function isJsonError(error: unknown): boolean {
  const cause = (error as { driverError?: { code?: string } } | undefined)?.driverError ?? (error as { code?: string } | undefined);
  return String(cause?.code).startsWith('22');
}

function isRetryable(error: unknown): boolean {
  const cause = (error as { driverError?: { code?: string } } | undefined)?.driverError ?? (error as { code?: string } | undefined);
  return RETRYABLE.has(String(cause?.code));
}
