import { Logger } from '@nestjs/common';
import { SessionOptionsError } from '../../errors';
import type { SaveOutcome, SessionRecord, SessionWrite, StoreSettings } from '../../contract/session-store';
import { checkSessionId } from '../shared/session-id';
import { BaseSessionStore } from '../shared';
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
 * (better-sqlite3). A save is a read-modify-write under a row lock (`SELECT ... FOR UPDATE` in a
 * transaction; on SQLite one synchronous `BEGIN IMMEDIATE` transaction), so concurrent saves of
 * one session never lose a key. Expired rows are ignored on every read and removed in batches by
 * a timer and by `prune()`.
 *
 * Timeouts (the `timeout` of `start()`, 2000 ms without it): every write is bounded by the
 * database itself (PostgreSQL `SET LOCAL lock_timeout`/`statement_timeout` in its transaction,
 * MariaDB `SET STATEMENT max_statement_time`, SQLite's busy timeout), and a transaction commits
 * only before its deadline, so a write that timed out has written nothing. Not covered: a COMMIT
 * that is sent in time but answered more than the module's extra 500 ms later; on MySQL (not
 * MariaDB) a single-statement touch, destroy or create waits on locks as long as the server's
 * `innodb_lock_wait_timeout` says.
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
    // A fresh id has no row: insert it straight away. Locking a missing row first would take
    // InnoDB gap locks, and two creates in the same gap deadlock each other.
    const created = write.create ? createValues(write, Date.now()) : null;
    if (created) {
      try {
        await this.db.single(this.db.sql.insert, [id, ...rowParams(created)], deadline);
        return 'saved';
      } catch (error) {
        if (!isRetryable(error)) throw error;
      }
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
    await this.db.single(this.db.sql.delete, [id], Date.now() + this.db.timeout);
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

function isRetryable(error: unknown): boolean {
  const cause = (error as { driverError?: { code?: string } } | undefined)?.driverError ?? (error as { code?: string } | undefined);
  return RETRYABLE.has(String(cause?.code));
}
