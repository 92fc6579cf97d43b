import type { Logger } from '@nestjs/common';
import { SessionSchemaError } from '../../errors/session-schema.error';
import { SessionStoreTimeoutError } from '../../errors/session-store-timeout.error';
import { DEFAULT_STORE_TIMEOUT } from '../shared/store-timeout';
import { CreateSessionTable1767225600000 } from './create-session-table.migration';
import { guardPgPools } from './pg-pool-guard';
import { PgPreparedStatements, queryThroughTypeOrm, type StatementResult } from './pg-prepared-statements';
import { SessionSql, sessionSql } from './session-sql';
import { classifySqlError, SqlBounds, sqlBounds } from './session-sql-bounds';
import { checkDatabaseType, checkTableName, SessionDatabaseType } from './session-table';
import type { DataSourceLike, QueryRunnerLike } from './typeorm-like.types';

const STORE = 'TypeOrmSessionStore';

export type { StatementResult } from './pg-prepared-statements';

/**
 * The store's way to its table through the DataSource: the database type, the table's SQL in
 * that dialect, and every statement bounded by the database itself (see {@link sqlBounds}), with
 * a missing table or column turned into {@link SessionSchemaError} and a database timeout into
 * {@link SessionStoreTimeoutError}. The DataSource stays the app's: it is never initialized or
 * destroyed here.
 */
export class TypeOrmSessionClient {
  readonly type: SessionDatabaseType;
  readonly sql: SessionSql;
  private readonly tableName: string;
  private currentTimeout = DEFAULT_STORE_TIMEOUT;
  private bounds: SqlBounds;
  private poolsGuarded = false;
  private mariaDbServer: boolean;
  private readonly prepared?: PgPreparedStatements;

  constructor(
    readonly dataSource: DataSourceLike,
    tableName: string,
    private readonly logger: Logger,
    /** Run the fixed statements prepared (PostgreSQL only; see {@link PgPreparedStatements}). */
    preparedStatements = true,
  ) {
    this.type = checkDatabaseType(dataSource.options.type);
    this.prepared = preparedStatements && this.type === 'postgres' ? new PgPreparedStatements() : undefined;
    this.tableName = checkTableName(tableName);
    const table = this.tableName
      .split('.')
      .map((part) => dataSource.driver.escape(part))
      .join('.');
    this.sql = sessionSql(this.type, table);
    this.mariaDbServer = this.type === 'mariadb';
    this.bounds = sqlBounds(this.type, this.currentTimeout, this.mariaDbServer);
  }

  /** Milliseconds a call may take: the `timeout` of the last {@link start}. */
  get timeout(): number {
    return this.currentTimeout;
  }

  /** What goes before each statement of a transaction (MariaDB's per-statement bound; else empty). */
  get statementPrefix(): string {
    return this.bounds.prefix;
  }

  /**
   * Bounds every statement by `timeout` from now on, and checks the table: a missing table or
   * column throws {@link SessionSchemaError}; an unreachable database is only logged.
   */
  async start(timeout: number): Promise<void> {
    this.currentTimeout = timeout;
    this.bounds = sqlBounds(this.type, timeout, this.mariaDbServer);
    if (!this.dataSource.isInitialized) return;
    try {
      await this.run(this.sql.check, []);
      // A `mysql` DataSource may well talk to MariaDB, which can bound each statement.
      if (this.type === 'mysql') {
        const [row] = (await this.run('SELECT VERSION() AS version', [])).records;
        this.mariaDbServer = /mariadb/i.test(String(row?.version));
        this.bounds = sqlBounds(this.type, timeout, this.mariaDbServer);
      }
    } catch (error) {
      if (error instanceof SessionSchemaError) throw error;
      this.logger.warn(`could not check the session table at startup (${String(error)}); it is checked on first use.`);
    }
  }

  /** True when the server is MariaDB (a `mariadb` DataSource, or a `mysql` one that found MariaDB at startup). */
  get mariadb(): boolean {
    return this.mariaDbServer;
  }

  /**
   * One write statement on its own, bounded. PostgreSQL: one round trip, the statement's last
   * parameter being the milliseconds left before `deadline` (its `lock_timeout`, see
   * postgresLockBound), taken once the connection is held: past the deadline nothing is sent.
   * MariaDB: the `SET STATEMENT` prefix. MySQL and SQLite: as it is.
   */
  async single(sql: string, params: unknown[], deadline: number): Promise<StatementResult> {
    if (this.type !== 'postgres') return this.run(this.bounds.prefix + sql, params);
    return this.mapped(async () => {
      this.guardPools();
      const runner = this.dataSource.createQueryRunner();
      try {
        await runner.connect();
        const left = Math.ceil(deadline - Date.now());
        if (left <= 0) throw new SessionStoreTimeoutError(STORE, this.currentTimeout);
        return await this.statement(runner, sql, [...params, String(left)]);
      } finally {
        await runner.release();
      }
    });
  }

  /**
   * Runs `work` in a transaction that commits only before `deadline`: past it, the transaction is
   * rolled back and the call fails with {@link SessionStoreTimeoutError}, having written nothing.
   */
  async transaction<T>(work: (runner: QueryRunnerLike) => Promise<T>, deadline: number): Promise<T> {
    return this.mapped(async () => {
      this.guardPools();
      const runner = this.dataSource.createQueryRunner();
      let open = false;
      try {
        if (this.bounds.begin) await runner.query(this.bounds.begin);
        else await runner.startTransaction();
        open = true;
        const result = await work(runner);
        if (Date.now() > deadline) throw new SessionStoreTimeoutError(STORE, this.currentTimeout);
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

  async run(sql: string, params: unknown[]): Promise<StatementResult> {
    return this.mapped(async () => {
      this.guardPools();
      const runner = this.dataSource.createQueryRunner();
      try {
        return await this.statement(runner, sql, params);
      } finally {
        await runner.release();
      }
    });
  }

  /** A missing table or column becomes {@link SessionSchemaError}, a database timeout {@link SessionStoreTimeoutError}. */
  async mapped<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const failure = classifySqlError(error);
      if (failure === 'schema')
        throw new SessionSchemaError(this.tableName, CreateSessionTable1767225600000.name, String((error as { message?: unknown } | undefined)?.message ?? error));
      if (failure === 'timeout') throw Object.assign(new SessionStoreTimeoutError(STORE, this.currentTimeout), { cause: error });
      throw error;
    }
  }

  /** One statement on a runner: prepared where it can be, else through TypeORM. */
  private statement(runner: QueryRunnerLike, sql: string, params: unknown[]): Promise<StatementResult> {
    return this.prepared ? this.prepared.query(runner, sql, params) : queryThroughTypeOrm(runner, sql, params);
  }

  /** See {@link guardPgPools}; once, as soon as the pools exist. */
  private guardPools(): void {
    if (!this.poolsGuarded && this.type === 'postgres') this.poolsGuarded = guardPgPools(this.dataSource, this.logger);
  }
}
