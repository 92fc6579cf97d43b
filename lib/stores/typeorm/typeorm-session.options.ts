import type { DataSourceLike } from './typeorm-like.types';

/** Options of {@link TypeOrmSessionStore}. */
export interface TypeOrmSessionStoreOptions {
  /**
   * An initialized DataSource of your app (postgres, mysql, mariadb or better-sqlite3). The store
   * never initializes or destroys it. Required.
   */
  dataSource: DataSourceLike;
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
  /**
   * PostgreSQL: run the store's statements as named prepared statements, parsed and planned once
   * per connection (about half PostgreSQL's CPU per save). Turn it off behind a pooler that does
   * not keep prepared statements, such as PgBouncer in transaction mode before 1.21 or without
   * `max_prepared_statements`. Other databases have no such mode: `true` is refused with them.
   * @default true on PostgreSQL
   */
  preparedStatements?: boolean;
}
