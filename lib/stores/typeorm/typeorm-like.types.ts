/**
 * The parts of TypeORM the session store and its migration use, declared here so that the
 * published typings never name `typeorm`: an app without it installed compiles with
 * `skipLibCheck: false`. TypeORM's own `DataSource` and `QueryRunner` satisfy these as they are.
 */

/** A TypeORM `QueryRunner`, as the store and the migration use it. */
export interface QueryRunnerLike {
  readonly isTransactionActive: boolean;
  /** The DataSource the runner belongs to (the migration reads its `type`). */
  readonly connection: { readonly driver: { readonly options: { readonly type: string } }; readonly logger?: TypeOrmLoggerLike };
  /** Takes a connection from the pool (`query` does it too, on first use). */
  connect(): Promise<unknown>;
  query(query: string, parameters?: unknown[], useStructuredResult?: boolean): Promise<any>;
  startTransaction(): Promise<void>;
  commitTransaction(): Promise<void>;
  rollbackTransaction(): Promise<void>;
  release(): Promise<void>;
  createTable(table: any, ifNotExist?: boolean): Promise<void>;
  dropTable(table: string, ifExist?: boolean): Promise<void>;
}

/** The DataSource's logger (its `logging` option decides what it prints). */
export interface TypeOrmLoggerLike {
  logQuery(query: string, parameters?: unknown[], runner?: unknown): unknown;
  logQueryError(error: string | Error, query: string, parameters?: unknown[], runner?: unknown): unknown;
}

/** An initialized TypeORM `DataSource` (postgres, mysql, mariadb or better-sqlite3). */
export interface DataSourceLike {
  readonly options: { readonly type: string };
  readonly isInitialized: boolean;
  readonly driver: { escape(name: string): string };
  createQueryRunner(): QueryRunnerLike;
}

/**
 * What `createSessionEntity()` returns: a TypeORM `EntitySchema`, typed by the two members
 * TypeORM's own signatures look at, so it goes into `entities: [...]` and `getRepository()`.
 */
export interface SessionEntitySchema {
  readonly '@instanceof': symbol;
  readonly options: { readonly name: string; readonly tableName?: string; readonly columns: Readonly<Record<string, any>> };
}
