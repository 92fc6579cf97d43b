import { Logger } from '@nestjs/common';
import type { DataSource, QueryRunner } from 'typeorm';
import { SessionOptionsError } from '../../errors/session.errors';
import type { SaveOutcome, SessionRecord, SessionWrite } from '../session-store';
import { SessionStore } from '../session-store';
import { createValues, LockedRow, parseData, planPatch, rowParams } from './session-patch';
import { SessionSql, sessionSql } from './session-sql';
import { checkDatabaseType, checkTableName, DEFAULT_SESSION_TABLE } from './session-table';
import { SqliteSessionWriter } from './sqlite-session.writer';

/** Options of {@link TypeOrmSessionStore}. */
export interface TypeOrmSessionStoreOptions {
  /**
   * An initialized DataSource of your app (postgres, mysql, mariadb or better-sqlite3). The store
   * never initializes or destroys it. Required.
   */
  dataSource: DataSource;
  /**
   * Session table, created by the `CreateSessionTable` migration or by `synchronize` with
   * `createSessionEntity()`. May carry a schema: `'auth.sessions'`.
   * @default 'sessions'
   */
  tableName?: string;
  /**
   * Milliseconds between two cleanups of expired rows; `0` turns the timer off (call `prune()`
   * yourself, e.g. from a cron job). The timer never keeps the process alive.
   * @default 900000 (15 minutes)
   */
  cleanupInterval?: number;
  /**
   * Most rows one cleanup statement deletes; a cleanup repeats the statement until a batch comes
   * back short, so locks stay short and the event loop keeps turning on big backlogs.
   * @default 1000
   */
  cleanupBatchSize?: number;
}

/** Lock conflicts a retry resolves: deadlock, serialization failure, a duplicate id from a racing create. */
const RETRYABLE = new Set(['40P01', '40001', '23505', 'ER_LOCK_DEADLOCK', 'ER_DUP_ENTRY']);
const ATTEMPTS = 3;

/** The part of pg's Pool this store uses, typed here so `pg` stays an optional dependency. */
interface PgPool {
  on(event: 'connect', listener: (client: { on(event: 'error', listener: (error: Error) => void): void }) => void): void;
}

/**
 * Sessions in one SQL table, through a TypeORM DataSource: PostgreSQL, MySQL/MariaDB or SQLite
 * (better-sqlite3). A save is a read-modify-write under a row lock (`SELECT ... FOR UPDATE` in a
 * transaction; on SQLite one synchronous `BEGIN IMMEDIATE` transaction), so concurrent saves of
 * one session never lose a key. Expired rows are ignored on every read and removed in batches by
 * a timer and by `prune()`.
 */
export class TypeOrmSessionStore extends SessionStore {
  private readonly logger = new Logger(TypeOrmSessionStore.name);
  private readonly dataSource: DataSource;
  private readonly sql: SessionSql;
  private readonly batchSize: number;
  private readonly sqlite?: SqliteSessionWriter;
  private readonly timer?: NodeJS.Timeout;
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
    const type = checkDatabaseType(dataSource.options.type);
    const tableName = checkTableName(options.tableName ?? DEFAULT_SESSION_TABLE);
    const table = tableName.split('.').map((part) => dataSource.driver.escape(part)).join('.');
    this.sql = sessionSql(type, table);
    this.batchSize = cleanupBatchSize;
    if (type === 'better-sqlite3') this.sqlite = new SqliteSessionWriter(dataSource, this.sql);
    if (cleanupInterval > 0) {
      this.timer = setInterval(() => this.cleanup(), cleanupInterval);
      this.timer.unref();
    }
  }

  async get(id: string): Promise<SessionRecord | null> {
    const [row] = (await this.run(this.sql.get, [id, Date.now()])).records;
    if (!row) return null;
    return { data: parseData(row.data), createdAt: Number(row.created_at), touchedAt: Number(row.touched_at) };
  }

  async save(id: string, write: SessionWrite): Promise<SaveOutcome> {
    if (this.sqlite) return this.sqlite.save(id, write);
    // A fresh id has no row: insert it straight away. Locking a missing row first would take
    // InnoDB gap locks, and two creates in the same gap deadlock each other.
    const created = write.create ? createValues(write, Date.now()) : null;
    if (created) {
      try {
        await this.run(this.sql.insert, [id, ...rowParams(created)]);
        return 'saved';
      } catch (error) {
        if (!isRetryable(error)) throw error;
      }
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transaction((runner) => this.patch(runner, id, write));
      } catch (error) {
        if (attempt >= ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
  }

  async touch(id: string, touchedAt: number, ttl: number): Promise<boolean> {
    const now = Date.now();
    return (await this.run(this.sql.touch, [touchedAt, now + ttl, id, now])).affected > 0;
  }

  async destroy(id: string): Promise<void> {
    await this.run(this.sql.delete, [id]);
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

  /**
   * pg-pool hands a new connection over before TypeORM listens for its errors. A PostgreSQL
   * shutdown that lands in that gap emits an 'error' nobody handles, and Node ends the process
   * (node-postgres#2762). Every connection of the DataSource's pools gets a listener here, once
   * the pools exist: the failed query still becomes a 503, and the process lives.
   */
  private guardPools(): void {
    if (this.poolsGuarded || this.dataSource.options.type !== 'postgres') return;
    const driver = this.dataSource.driver as unknown as { master?: PgPool; slaves?: PgPool[] };
    if (!driver.master) return;
    this.poolsGuarded = true;
    for (const pool of [driver.master, ...(driver.slaves ?? [])]) {
      pool.on('connect', (client) => client.on('error', (error) => this.logger.warn(`PostgreSQL connection error: ${error.message}`)));
    }
  }

  private cleanup(): void {
    if (this.cleaning || !this.dataSource.isInitialized) return;
    this.cleaning = this.prune()
      .catch((error: unknown) => this.logger.warn(`cleanup of expired sessions failed: ${String(error)}`))
      .finally(() => (this.cleaning = undefined));
  }

  private async patch(runner: QueryRunner, id: string, write: SessionWrite): Promise<SaveOutcome> {
    const [row] = (await runner.query(this.sql.lock, [id])) as LockedRow[];
    const plan = planPatch(row, write, Date.now());
    if (plan.outcome === 'saved') {
      if (plan.statement === 'insert') await runner.query(this.sql.insert, [id, ...rowParams(plan.values)]);
      else await runner.query(this.sql.update, [...rowParams(plan.values), id]);
    } else if (plan.outcome === 'deleted' && plan.statement) {
      await runner.query(this.sql.delete, [id]);
    }
    return plan.outcome;
  }

  private async transaction<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    this.guardPools();
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      const result = await work(runner);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async run(sql: string, params: unknown[]): Promise<{ records: any[]; affected: number }> {
    this.guardPools();
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(sql, params, true);
      return { records: result.records ?? [], affected: result.affected ?? 0 };
    } finally {
      await runner.release();
    }
  }
}

function isRetryable(error: unknown): boolean {
  const cause = (error as { driverError?: { code?: string } } | undefined)?.driverError ?? (error as { code?: string } | undefined);
  return RETRYABLE.has(String(cause?.code));
}
