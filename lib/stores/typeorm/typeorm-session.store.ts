import { Logger } from '@nestjs/common';
import { SessionOptionsError } from '../../errors';
import type { SaveOutcome, SessionRecord, SessionWrite, StoreSettings } from '../../contract/session-store';
import { checkSessionId } from '../shared/session-id';
import { BaseSessionStore } from '../shared';
import { jsonMergeStatement, jsonRemovalStatements, MergeStatement, postgresMergeParams, postgresMergeSql, removesOnly } from './session-merge';
import { createValues, LockedRow, parseData, planPatch, rowParams } from './session-patch';
import { DEFAULT_SESSION_TABLE } from './session-table';
import { hashedUserId, legacyUserId, withHashedUser } from './session-user-id';
import { lockSqlUser } from './sql-user-lock';
import { SqliteSessionWriter } from './sqlite-session.writer';
import { SqliteUserLock } from './sqlite-user-lock';
import { TypeOrmSessionClient } from './typeorm-client';
import type { TypeOrmSessionStoreOptions } from './typeorm-session.options';
import type { QueryRunnerLike } from './typeorm-like.types';

export type { TypeOrmSessionStoreOptions } from './typeorm-session.options';

/** Lock conflicts a retry resolves: deadlock, serialization failure, a duplicate id from a racing create. */
const RETRYABLE = new Set(['40P01', '40001', '23505', 'ER_LOCK_DEADLOCK', 'ER_DUP_ENTRY']);
const ATTEMPTS = 3;
const STORE = 'TypeOrmSessionStore';

/**
 * Sessions in one SQL table, through a TypeORM DataSource: PostgreSQL, MySQL/MariaDB or SQLite
 * (better-sqlite3). A save merges its change-set into the stored JSON atomically, so concurrent
 * saves of one session never lose a key, and in as few statements as the database allows:
 * - PostgreSQL: every call is one statement. A patch locks the live row, merges, and updates it
 *   or deletes it when emptied, in one statement (see session-merge.ts); a create is an
 *   `INSERT ... ON CONFLICT DO NOTHING`.
 * - MariaDB and SQLite: a patch that sets keys is one `UPDATE` with the database's JSON functions;
 *   one that only removes keys (it may empty the session) or names a key that is not a plain
 *   name is a read-modify-write under a row lock (`SELECT ... FOR UPDATE` in a transaction; on
 *   SQLite one synchronous `BEGIN IMMEDIATE` transaction). MySQL (not MariaDB) takes that path
 *   for every patch.
 * A patch only ever changes a live row: a destroyed, regenerated or expired session stays gone.
 * Expired rows are ignored on every read and removed in batches by a timer and by `prune()`.
 *
 * Timeouts (the `timeout` of `start()`, 2000 ms without it): every write is bounded by the
 * database itself, so that a write that timed out has written nothing. PostgreSQL: a statement
 * is sent only before its deadline, on a connection already held, and sets its own
 * `lock_timeout` to the time left (`set_config(..., true)`, which ends with the statement); the
 * locked read-modify-write, used for rows that PostgreSQL's `json` type cannot read, sets
 * `lock_timeout` and `statement_timeout` in its transaction and commits only before its
 * deadline. MariaDB: `SET STATEMENT max_statement_time` on each statement. SQLite: its busy
 * timeout. Not covered: a statement (or COMMIT) sent in time that then runs, without waiting on
 * a lock, more than the module's extra 500 ms past the timeout; on MySQL (not MariaDB) a
 * single-statement write waits on locks as long as the server's `innodb_lock_wait_timeout` says.
 *
 * Schema: `start()` checks the table once, and a missing table or column stops the app with a
 * {@link SessionSchemaError} that names the migration to run. When the database is unreachable
 * at startup, the first call that meets the problem throws that error (a 500, never a 503).
 */
export class TypeOrmSessionStore extends BaseSessionStore {
  private readonly logger = new Logger(TypeOrmSessionStore.name);
  private readonly db: TypeOrmSessionClient;
  private readonly batchSize: number;
  private readonly sqlite?: SqliteSessionWriter;
  private readonly timer?: NodeJS.Timeout;
  private cleaning?: Promise<unknown>;
  /** The PostgreSQL patch statements (see postgresMergeSql): [sets keys, only removes keys]. */
  private postgresMerge?: [string, string];
  private closed = false;
  /** A lock on one user for `maxSessionsPerUser` (see {@link lockSqlUser} and {@link SqliteUserLock}). */
  override readonly lockUser: (userId: string) => Promise<() => Promise<void>>;

  constructor(options: TypeOrmSessionStoreOptions) {
    super();
    const { dataSource, cleanupInterval = 15 * 60 * 1000, cleanupBatchSize = 1000 } = options;
    if (!dataSource?.options) throw new SessionOptionsError('TypeOrmSessionStore needs { dataSource }');
    if (!Number.isInteger(cleanupBatchSize) || cleanupBatchSize < 1) {
      throw new SessionOptionsError('cleanupBatchSize must be a positive integer');
    }
    // Node fires longer intervals at once (and warns), so they are refused.
    if (!Number.isInteger(cleanupInterval) || cleanupInterval < 0 || cleanupInterval > 2 ** 31 - 1) {
      throw new SessionOptionsError('cleanupInterval must be an integer from 0 (off) to 2147483647 milliseconds');
    }
    this.db = new TypeOrmSessionClient(dataSource, options.tableName ?? DEFAULT_SESSION_TABLE, this.logger);
    this.batchSize = cleanupBatchSize;
    if (this.db.type === 'better-sqlite3') this.sqlite = new SqliteSessionWriter(dataSource, this.db.sql);
    const table = options.tableName ?? DEFAULT_SESSION_TABLE;
    const users = this.sqlite && new SqliteUserLock((dataSource.options as { database?: string }).database);
    this.lockUser = (userId) => (users ? users.lock(`${table}\0${userId}`, this.db.timeout) : lockSqlUser(dataSource, this.db.type, `${table}\0${userId}`, this.db.timeout));
    if (cleanupInterval > 0) {
      this.timer = setInterval(() => this.cleanup(), cleanupInterval);
      this.timer.unref();
    }
  }

  /**
   * Keeps the timeout and checks the table: a missing table or column throws
   * {@link SessionSchemaError} (the app stops at startup with the migration to run). An
   * unreachable database is only logged here: the app starts, and calls fail until it is back.
   */
  override async start(settings: StoreSettings): Promise<void> {
    await super.start(settings);
    await this.db.start(this.timeout);
  }

  async get(id: string): Promise<SessionRecord | null> {
    const [row] = (await this.db.run(this.db.sql.get, [checkSessionId(id, STORE), Date.now()])).records;
    if (!row) return null;
    return { data: parseData(row.data), createdAt: Number(row.created_at), touchedAt: Number(row.touched_at) };
  }

  async save(id: string, original: SessionWrite): Promise<SaveOutcome> {
    checkSessionId(id, STORE);
    const write = withHashedUser(original);
    const { sqlite } = this;
    if (sqlite) return this.db.mapped(async () => sqlite.save(id, write, this.db.timeout));
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

  async touch(id: string, touchedAt: number, ttl: number): Promise<boolean> {
    checkSessionId(id, STORE);
    const { sqlite } = this;
    if (sqlite) return this.db.mapped(async () => sqlite.touch(id, touchedAt, ttl, this.db.timeout));
    const now = Date.now();
    return (await this.db.single(this.db.sql.touch, [touchedAt, now + ttl, id, now], now + this.db.timeout)).affected > 0;
  }

  async destroy(id: string): Promise<void> {
    checkSessionId(id, STORE);
    const { sqlite } = this;
    if (sqlite) return this.db.mapped(async () => sqlite.destroy(id, this.db.timeout));
    await this.db.single(this.db.sql.destroy, [id], Date.now() + this.db.timeout);
  }

  /**
   * One indexed query on `user_id`: the hashed id, and the plain one of rows written before user
   * ids were hashed (see {@link legacyUserId}); the owner is compared exactly here, not by the
   * database's collation.
   */
  override async findByUser(userId: string): Promise<string[]> {
    const hashed = hashedUserId(userId);
    const legacy = legacyUserId(userId);
    const { records } = await this.db.run(this.db.sql.findByUser, [hashed, legacy ?? hashed, Date.now()]);
    return records.filter((row) => row.user_id === hashed || (legacy !== null && row.user_id === legacy)).map((row) => String(row.id));
  }

  /**
   * Deletes every expired row, `cleanupBatchSize` rows per statement, until a batch comes back
   * short. Returns how many rows it deleted. The timer calls it; call it yourself when the timer
   * is off.
   */
  async prune(): Promise<number> {
    let deleted = 0;
    for (;;) {
      const { affected } = await this.db.run(this.db.sql.prune, [Date.now(), this.batchSize]);
      deleted += affected;
      if (affected < this.batchSize || this.closed) return deleted;
      // better-sqlite3 runs synchronously and TypeORM resolves its promises without a trip through
      // the event loop: without this pause a big backlog would block the process until it is gone.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Stops the cleanup timer and waits for a running cleanup, which stops after its current batch.
   * The DataSource stays open: it is yours.
   */
  override async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.cleaning;
  }

  private cleanup(): void {
    if (this.cleaning || !this.db.dataSource.isInitialized) return;
    this.cleaning = this.prune()
      .catch((error: unknown) => this.logger.warn(`cleanup of expired sessions failed: ${String(error)}`))
      .finally(() => (this.cleaning = undefined));
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
