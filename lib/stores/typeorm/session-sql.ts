import { postgresLockBound } from './session-merge';
import type { SessionDatabaseType } from './session-table';

/**
 * Every fixed statement the store runs, for one table on one database. The one-statement patches,
 * whose text depends on the write, are in session-merge.ts.
 *
 * The statements a call sends on its own (`insertNew`, `touch`, `destroy`) take one more
 * parameter on PostgreSQL, last: the milliseconds their lock waits may take (see
 * {@link postgresLockBound}).
 */
export interface SessionSql {
  /** The escaped table name. */
  table: string;
  /** `(id, now)`: a live row's data and times. */
  get: string;
  /** `(id)`: the row, locked until the transaction ends (SQLite: the transaction itself is the lock). */
  lock: string;
  /** `(id, data, created_at, touched_at, expires_at, user_id)` */
  insert: string;
  /**
   * `(id, data, created_at, touched_at, expires_at, user_id)`: a fresh record, or nothing when
   * the id has a row (PostgreSQL and SQLite: no row changed; MySQL/MariaDB: a duplicate-key error).
   */
  insertNew: string;
  /** `(data, created_at, touched_at, expires_at, user_id, id)` */
  update: string;
  /** `(id)`, inside the locked read-modify-write. */
  delete: string;
  /** `(id)`: `destroy()`. */
  destroy: string;
  /** `(touched_at, expires_at, id, now)`: renews a live row only. */
  touch: string;
  /** `(hashed user_id, legacy user_id, now)`: ids and owners of a user's live rows. */
  findByUser: string;
  /** `()`: selects every column and no row; fails when the table or a column is missing. */
  check: string;
  /** `(now, batch)`: deletes at most `batch` expired rows, found through the expires_at index. */
  prune: string;
}

/**
 * Builds the statements. `table` is already escaped. They are written with `?` and numbered for
 * PostgreSQL, whose driver wants `$1`.
 */
export function sessionSql(type: SessionDatabaseType, table: string): SessionSql {
  const columns = 'id, data, created_at, touched_at, expires_at, user_id';
  const postgres = type === 'postgres';
  const bound = postgres ? ` AND ${postgresLockBound('?')}` : '';
  const sql: SessionSql = {
    table,
    get: `SELECT data, created_at, touched_at FROM ${table} WHERE id = ? AND expires_at > ?`,
    lock: `SELECT data, created_at, expires_at, user_id FROM ${table} WHERE id = ?${type === 'better-sqlite3' ? '' : ' FOR UPDATE'}`,
    insert: `INSERT INTO ${table} (${columns}) VALUES (?, ?, ?, ?, ?, ?)`,
    update: `UPDATE ${table} SET data = ?, created_at = ?, touched_at = ?, expires_at = ?, user_id = ? WHERE id = ?`,
    insertNew: insertNewSql(type, table, columns),
    delete: `DELETE FROM ${table} WHERE id = ?`,
    destroy: `DELETE FROM ${table} WHERE id = ?${bound}`,
    touch: `UPDATE ${table} SET touched_at = ?, expires_at = ? WHERE id = ? AND expires_at > ?${bound}`,
    findByUser: `SELECT id, user_id FROM ${table} WHERE user_id IN (?, ?) AND expires_at > ?`,
    prune: pruneSql(type, table),
    check: `SELECT ${columns} FROM ${table} WHERE 1 = 0`,
  };
  if (!postgres) return sql;
  const numbered = Object.entries(sql).map(([key, text]) => {
    let n = 0;
    return [key, text.replace(/\?/g, () => `$${++n}`)];
  });
  return Object.fromEntries(numbered);
}

function insertNewSql(type: SessionDatabaseType, table: string, columns: string): string {
  switch (type) {
    // INSERT ... SELECT rather than VALUES, for the lock bound; the casts give the parameters their types.
    case 'postgres':
      return `INSERT INTO ${table} (${columns}) SELECT ?::varchar, ?::text, ?::bigint, ?::bigint, ?::bigint, ?::varchar WHERE ${postgresLockBound('?')} ON CONFLICT (id) DO NOTHING`;
    case 'better-sqlite3':
      return `INSERT INTO ${table} (${columns}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`;
    // INSERT IGNORE would also turn other errors into warnings: the duplicate stays an error.
    case 'mysql':
    case 'mariadb':
      return `INSERT INTO ${table} (${columns}) VALUES (?, ?, ?, ?, ?, ?)`;
  }
}

function pruneSql(type: SessionDatabaseType, table: string): string {
  const expired = `SELECT id FROM ${table} WHERE expires_at <= ? ORDER BY expires_at LIMIT ?`;
  switch (type) {
    // SKIP LOCKED: two app instances pruning at once share the work instead of queueing on rows.
    case 'postgres':
      return `DELETE FROM ${table} WHERE id IN (${expired} FOR UPDATE SKIP LOCKED)`;
    // MySQL/MariaDB refuse LIMIT inside an IN subquery, but a single-table DELETE takes one.
    case 'mysql':
    case 'mariadb':
      return `DELETE FROM ${table} WHERE expires_at <= ? ORDER BY expires_at LIMIT ?`;
    case 'better-sqlite3':
      return `DELETE FROM ${table} WHERE id IN (${expired})`;
  }
}
