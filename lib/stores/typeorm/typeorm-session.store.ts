import { Logger } from '@nestjs/common';
import { SessionOptionsError } from '../../errors';
import type { SaveOutcome, SessionRecord, SessionWrite, StoreSettings } from '../../contract/session-store';
import { checkSessionId } from '../shared/session-id';
import { BaseSessionStore } from '../shared';
import { parseData } from './session-patch';
import { DEFAULT_SESSION_TABLE } from './session-table';
import { hashedUserId, legacyUserId, withHashedUser } from './session-user-id';
import { lockSqlUser } from './sql-user-lock';
import { SqlSessionWriter } from './sql-session.writer';
import { SqliteSessionWriter } from './sqlite-session.writer';
import { SqliteUserLock } from './sqlite-user-lock';
import { TypeOrmSessionClient } from './typeorm-client';
import type { TypeOrmSessionStoreOptions } from './typeorm-session.options';

export type { TypeOrmSessionStoreOptions } from './typeorm-session.options';

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
  private readonly sql: SqlSessionWriter;
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
    this.db = new TypeOrmSessionClient(dataSource, options.tableName ?? DEFAULT_SESSION_TABLE, this.logger, options.preparedStatements ?? true);
    if (options.preparedStatements !== undefined && (typeof options.preparedStatements !== 'boolean' || (options.preparedStatements && this.db.type !== 'postgres'))) {
      throw new SessionOptionsError(`preparedStatements is a PostgreSQL option (true or false); this DataSource is ${this.db.type}. Leave it out.`);
    }
    this.batchSize = cleanupBatchSize;
    if (this.db.type === 'better-sqlite3') this.sqlite = new SqliteSessionWriter(dataSource, this.db.sql);
    this.sql = new SqlSessionWriter(this.db);
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
    return this.sql.save(id, write);
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
}
