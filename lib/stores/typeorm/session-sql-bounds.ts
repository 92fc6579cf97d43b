import type { SessionDatabaseType } from './session-table';

/**
 * How one write is bounded on each database, so that a call that times out has written nothing.
 * Every write runs in a transaction (or is one autocommitted statement) that the database itself
 * aborts once the timeout has passed, and a transaction is committed only before its deadline.
 */
export interface SqlBounds {
  /**
   * PostgreSQL: the statement that opens a bounded transaction. `SET LOCAL` settings end with the
   * transaction, so the app's pooled connection is left as it was; sent as one simple query
   * (no parameters), so it costs one round trip.
   */
  begin?: string;
  /**
   * MariaDB: a prefix that bounds one statement (`SET STATEMENT ... FOR`), again without
   * touching the connection's own settings.
   */
  prefix: string;
}

export function sqlBounds(type: SessionDatabaseType, timeout: number, mariadb: boolean): SqlBounds {
  const ms = Math.max(1, Math.ceil(timeout));
  if (type === 'postgres') {
    return { begin: `BEGIN; SET LOCAL lock_timeout = ${ms}; SET LOCAL statement_timeout = ${ms}`, prefix: '' };
  }
  if (mariadb) {
    // innodb_lock_wait_timeout counts whole seconds; max_statement_time (seconds, fractional)
    // also ends lock waits, to the millisecond.
    return { prefix: `SET STATEMENT max_statement_time = ${ms / 1000}, innodb_lock_wait_timeout = ${Math.ceil(ms / 1000)} FOR ` };
  }
  // MySQL has no per-statement setting for writes: its own innodb_lock_wait_timeout (50 s by
  // default) ends the wait, and the commit-before-deadline rule keeps a late save from landing.
  return { prefix: '' };
}

/** What a failed statement means to the store. */
export type SqlFailure = 'schema' | 'timeout' | 'other';

/** PostgreSQL SQLSTATEs and MySQL/MariaDB error numbers, sorted by what they mean here. */
const SCHEMA = new Set(['42P01', '42703', '3F000', '1146', '1054', '1049']);
const TIMEOUT = new Set(['57014', '55P03', '1205', '1969', '3024', 'SQLITE_BUSY']);

export function classifySqlError(error: unknown): SqlFailure {
  const cause = ((error as { driverError?: unknown } | undefined)?.driverError ?? error) as { code?: unknown; errno?: unknown; message?: unknown } | undefined;
  const codes = [String(cause?.code), String(cause?.errno)];
  if (codes.some((code) => SCHEMA.has(code))) return 'schema';
  if (codes.some((code) => TIMEOUT.has(code))) return 'timeout';
  // SQLite reports every schema problem as SQLITE_ERROR; its message says which.
  if (/no such (table|column)|has no column named/i.test(String(cause?.message))) return 'schema';
  return 'other';
}
