import { Logger } from '@nestjs/common';
import { SessionOptionsError } from '../../errors/session.errors';
import { SessionSchemaError } from '../../errors/session-schema.error';
import { SessionStoreTimeoutError } from '../../errors/session-store-timeout.error';
import type { SaveOutcome, SessionRecord, SessionWrite, StoreSettings } from '../session-store';
import { SessionStore } from '../session-store';
import { checkSessionId } from '../shared/session-id';
import { DEFAULT_STORE_TIMEOUT, timeoutOf } from '../shared/store-timeout';
import { CreateSessionTable1767225600000 } from './create-session-table.migration';
import { createValues, LockedRow, parseData, planPatch, rowParams } from './session-patch';
import { SessionSql, sessionSql } from './session-sql';
import { classifySqlError, SqlBounds, sqlBounds } from './session-sql-bounds';
import { checkDatabaseType, checkTableName, DEFAULT_SESSION_TABLE, SessionDatabaseType } from './session-table';
import { guardPgPools } from './pg-pool-guard';
import { SqliteSessionWriter } from './sqlite-session.writer';
import type { TypeOrmSessionStoreOptions } from './typeorm-session.options';
import type { DataSourceLike, QueryRunnerLike } from './typeorm-like.types';

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
export class TypeOrmSessionStore extends SessionStore {
  private readonly logger = new Logger(TypeOrmSessionStore.name);
  private readonly dataSource: DataSourceLike;
  private readonly type: SessionDatabaseType;
  private readonly tableName: string;
  private readonly sql: SessionSql;
  private readonly batchSize: number;
  private readonly sqlite?: SqliteSessionWriter;
  private readonly timer?: NodeJS.Timeout;
  private timeout = DEFAULT_STORE_TIMEOUT;
  private bounds: SqlBounds;
  private cleaning?: Promise<unknown>;
  private closed = false;
  private poolsGuarded = false;

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
    this.dataSource = dataSource;
    this.type = checkDatabaseType(dataSource.options.type);
    this.tableName = checkTableName(options.tableName ?? DEFAULT_SESSION_TABLE);
    const table = this.tableName.split('.').map((part) => dataSource.driver.escape(part)).join('.');
    this.sql = sessionSql(this.type, table);
    this.bounds = sqlBounds(this.type, this.timeout, this.type === 'mariadb');
    this.batchSize = cleanupBatchSize;
    if (this.type === 'better-sqlite3') this.sqlite = new SqliteSessionWriter(dataSource, this.sql);
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
    this.timeout = timeoutOf(settings);
    this.bounds = sqlBounds(this.type, this.timeout, this.type === 'mariadb');
    if (!this.dataSource.isInitialized) return;
    try {
      await this.run(this.sql.check, []);
      // A `mysql` DataSource may well talk to MariaDB, which can bound each statement.
      if (this.type === 'mysql') {
        const [row] = (await this.run('SELECT VERSION() AS version', [])).records;
        this.bounds = sqlBounds(this.type, this.timeout, /mariadb/i.test(String(row?.version)));
      }
    } catch (error) {
      if (error instanceof SessionSchemaError) throw error;
      this.logger.warn(`could not check the session table at startup (${String(error)}); it is checked on first use.`);
    }
  }

  async get(id: string): Promise<SessionRecord | null> {
    const [row] = (await this.run(this.sql.get, [checkSessionId(id, STORE), Date.now()])).records;
    if (!row) return null;
    return { data: parseData(row.data), createdAt: Number(row.created_at), touchedAt: Number(row.touched_at) };
  }

  async save(id: string, write: SessionWrite): Promise<SaveOutcome> {
    checkSessionId(id, STORE);
    if (this.sqlite) return this.mapped(async () => this.sqlite!.save(id, write, this.timeout));
    const deadline = Date.now() + this.timeout;
    // A fresh id has no row: insert it straight away. Locking a missing row first would take
    // InnoDB gap locks, and two creates in the same gap deadlock each other.
    const created = write.create ? createValues(write, Date.now()) : null;
    if (created) {
      try {
        await this.single(this.sql.insert, [id, ...rowParams(created)], deadline);
        return 'saved';
      } catch (error) {
        if (!isRetryable(error)) throw error;
      }
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transaction((runner) => this.patch(runner, id, write), deadline);
      } catch (error) {
        if (attempt >= ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
  }

  async touch(id: string, touchedAt: number, ttl: number): Promise<boolean> {
    checkSessionId(id, STORE);
    if (this.sqlite) return this.mapped(async () => this.sqlite!.touch(id, touchedAt, ttl, this.timeout));
    const now = Date.now();
    return (await this.single(this.sql.touch, [touchedAt, now + ttl, id, now], now + this.timeout)).affected > 0;
  }

  async destroy(id: string): Promise<void> {
    checkSessionId(id, STORE);
    if (this.sqlite) return this.mapped(async () => this.sqlite!.destroy(id, this.timeout));
    await this.single(this.sql.delete, [id], Date.now() + this.timeout);
  }

  override async findByUser(userId: string): Promise<string[]> {
    return (await this.run(this.sql.findByUser, [userId, Date.now()])).records.map((row) => String(row.id));
  }

  /**
   * Deletes every expired row, `cleanupBatchSize` rows per statement, until a batch comes back
   * short. Returns how many rows it deleted. The timer calls it; call it yourself when the timer
   * is off.
   */
  async prune(): Promise<number> {
    let deleted = 0;
    for (;;) {
      const { affected } = await this.run(this.sql.prune, [Date.now(), this.batchSize]);
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

  /** See {@link guardPgPools}; once, as soon as the pools exist. */
  private guardPools(): void {
    if (!this.poolsGuarded && this.type === 'postgres') this.poolsGuarded = guardPgPools(this.dataSource, this.logger);
  }

  private cleanup(): void {
    if (this.cleaning || !this.dataSource.isInitialized) return;
    this.cleaning = this.prune()
      .catch((error: unknown) => this.logger.warn(`cleanup of expired sessions failed: ${String(error)}`))
      .finally(() => (this.cleaning = undefined));
  }

  private async patch(runner: QueryRunnerLike, id: string, write: SessionWrite): Promise<SaveOutcome> {
    const prefix = this.bounds.prefix;
    const [row] = (await runner.query(prefix + this.sql.lock, [id])) as LockedRow[];
    const plan = planPatch(row, write, Date.now());
    if (plan.outcome === 'saved') {
      if (plan.statement === 'insert') await runner.query(prefix + this.sql.insert, [id, ...rowParams(plan.values)]);
      else await runner.query(prefix + this.sql.update, [...rowParams(plan.values), id]);
    } else if (plan.outcome === 'deleted' && plan.statement) {
      await runner.query(prefix + this.sql.delete, [id]);
    }
    return plan.outcome;
  }

  /** One write statement, bounded: in its own bounded transaction on PostgreSQL, prefixed on MariaDB. */
  private single(sql: string, params: unknown[], deadline: number): Promise<{ records: any[]; affected: number }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (!this.bounds.begin) return this.run(this.bounds.prefix + sql, params);
    return this.transaction(async (runner) => {
      const result = await runner.query(sql, params, true);
      return { records: result.records ?? [], affected: result.affected ?? 0 };
    }, deadline);
  }

  /**
   * Runs `work` in a transaction that commits only before `deadline`: past it, the transaction is
   * rolled back and the call fails with {@link SessionStoreTimeoutError}, having written nothing.
   */
  private async transaction<T>(work: (runner: QueryRunnerLike) => Promise<T>, deadline: number): Promise<T> {
    return this.mapped(async () => {
      this.guardPools();
      const runner = this.dataSource.createQueryRunner();
      let open = false;
      try {
        if (this.bounds.begin) await runner.query(this.bounds.begin);
        else await runner.startTransaction();
        open = true;
        const result = await work(runner);
        if (Date.now() > deadline) throw new SessionStoreTimeoutError(STORE, this.timeout);
        open = false;
        if (this.bounds.begin) await runner.query('COMMIT');
        else await runner.commitTransaction();
        return result;
      } catch (error) {
        if (open && this.bounds.begin) await runner.query('ROLLBACK').catch(() => undefined);
        else if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      } finally {
        await runner.release();
      }
    });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async run(sql: string, params: unknown[]): Promise<{ records: any[]; affected: number }> {
    return this.mapped(async () => {
      this.guardPools();
      const runner = this.dataSource.createQueryRunner();
      try {
        const result = await runner.query(sql, params, true);
        return { records: result.records ?? [], affected: result.affected ?? 0 };
      } finally {
        await runner.release();
      }
    });
  }

  /** A missing table or column becomes {@link SessionSchemaError}, a database timeout {@link SessionStoreTimeoutError}. */
  private async mapped<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const failure = classifySqlError(error);
      if (failure === 'schema') throw new SessionSchemaError(this.tableName, CreateSessionTable1767225600000.name, String((error as Error)?.message ?? error));
      if (failure === 'timeout') throw Object.assign(new SessionStoreTimeoutError(STORE, this.timeout), { cause: error });
      throw error;
    }
  }
}

function isRetryable(error: unknown): boolean {
  const cause = (error as { driverError?: { code?: string } } | undefined)?.driverError ?? (error as { code?: string } | undefined);
  return RETRYABLE.has(String(cause?.code));
}
