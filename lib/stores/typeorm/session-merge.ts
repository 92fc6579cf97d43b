import type { SessionWrite, StoredData } from '../../contract/session-store';
import { encodeData } from './session-patch';
import type { SessionDatabaseType } from './session-table';

/** One statement and its parameters. */
export interface MergeStatement {
  sql: string;
  params: unknown[];
}

/**
 * Keys that MariaDB and SQLite JSON paths take as they are (`$."key"`); a write with any other
 * key goes through the locked read-modify-write.
 */
const PLAIN_KEY = /^[A-Za-z0-9_$-]{1,128}$/;

/** PostgreSQL's merged JSON text of row `s`: its keys minus `$4`, then the keys of `$3`, each value's text as it was. */
const POSTGRES_MERGED = [
  '(SELECT json_object_agg(m.k, m.v ORDER BY m.o) FROM (',
  '  SELECT k, v, o FROM json_each(s.data::json) WITH ORDINALITY AS a(k, v, o) WHERE k <> ALL ($4::text[])',
  '  UNION ALL SELECT k, v, o + 1000000000 FROM json_each($3::json) WITH ORDINALITY AS b(k, v, o)) m)',
].join('\n');

/**
 * PostgreSQL's one-statement patch: `(id, now, set, drop, touched_at, expires_at, keep user, user_id, lock ms)`,
 * returning one row `{ deleted, saved }` (counts, 0 or 1).
 *
 * The change-set is merged into the row's JSON text: the stored keys minus the replaced and
 * removed ones (`drop`), then the new values. `json_each` on the `json` type keeps each value's
 * text as stored, so the row stays ASCII and a value is never re-encoded. Only a live row is
 * changed; none, nothing written. The `set_config` bounds the statement's lock waits by what is
 * left of the call's timeout, for this statement only, before any row is read.
 *
 * A write that sets a key cannot empty the session: one `UPDATE`, which under a concurrent save
 * waits for it and merges into the row that save committed (READ COMMITTED re-evaluates the row).
 * A write that only removes keys may empty it, and an emptied session is deleted: `cur` locks
 * the live row (`FOR UPDATE`, which also waits and rereads) and merges, then `gone` deletes it
 * or `kept` updates it.
 */
export function postgresMergeSql(table: string, removalOnly: boolean): string {
  const user = 'user_id = CASE WHEN $7::boolean THEN s.user_id ELSE $8 END';
  const live = `s.id = $1 AND s.expires_at > $2 AND ${postgresLockBound(9)}`;
  if (!removalOnly) {
    return [
      `WITH kept AS (UPDATE ${table} s SET data = ${POSTGRES_MERGED}::text, touched_at = $5, expires_at = $6, ${user}`,
      `  WHERE ${live} RETURNING 1)`,
      'SELECT 0 AS deleted, (SELECT count(*) FROM kept)::int AS saved',
    ].join('\n');
  }
  return [
    `WITH cur AS (SELECT s.id, ${POSTGRES_MERGED} AS merged FROM ${table} s WHERE ${live} FOR UPDATE OF s),`,
    `gone AS (DELETE FROM ${table} s USING cur WHERE s.id = cur.id AND cur.merged IS NULL RETURNING 1),`,
    `kept AS (UPDATE ${table} s SET data = cur.merged::text, touched_at = $5, expires_at = $6, ${user}`,
    '  FROM cur WHERE s.id = cur.id AND cur.merged IS NOT NULL RETURNING 1)',
    'SELECT (SELECT count(*) FROM gone)::int AS deleted, (SELECT count(*) FROM kept)::int AS saved',
  ].join('\n');
}

/** Whether a write only removes keys (once its removals are applied), and so may empty the session. */
export function removesOnly(write: SessionWrite): boolean {
  return Object.keys(splitWrite(write).set).length === 0;
}

/**
 * A condition that sets PostgreSQL's `lock_timeout` to parameter `$n` (milliseconds, as text) for
 * the current statement: `set_config(..., true)` lasts until the implicit transaction of the
 * statement ends, so the pooled connection keeps its own setting. An uncorrelated subquery, it is
 * evaluated once, before the statement reads or locks a row.
 */
export function postgresLockBound(n: number | '?'): string {
  return `(SELECT set_config('lock_timeout', ${n === '?' ? '?' : `$${n}`}, true)) IS NOT NULL`;
}

/**
 * The parameters of {@link postgresMergeSql} for one write with `create: false`, without the
 * lock bound (the client adds it).
 */
export function postgresMergeParams(id: string, write: SessionWrite, now: number): unknown[] {
  const { set, drop } = splitWrite(write);
  const keepUser = write.userId === undefined;
  return [id, now, encodeData(set), drop, write.touchedAt, now + write.ttl, keepUser, keepUser ? null : write.userId];
}

/**
 * MariaDB's and SQLite's one-statement patch of a live row (`JSON_SET`/`JSON_REMOVE`, `json_set`/
 * `json_remove`): one `UPDATE`, atomic under the row lock (InnoDB) or the database lock (SQLite).
 * `null` when the write only removes keys (see {@link jsonRemovalStatements}) or names a key that
 * is not a plain path label (the locked read-modify-write). MySQL (not MariaDB) is left on that path too: its
 * JSON functions rewrite the whole document in their own form, untested here.
 */
export function jsonMergeStatement(type: SessionDatabaseType, table: string, id: string, write: SessionWrite, now: number): MergeStatement | null {
  const { set, drop } = splitWrite(write);
  const keys = Object.keys(set);
  if (keys.length === 0 || !drop.every((key) => PLAIN_KEY.test(key))) return null;
  const sqlite = type === 'better-sqlite3';
  const path = (key: string) => `$."${key}"`;
  const removed = write.unset.filter((key) => !Object.hasOwn(set, key));
  let data = 'data';
  if (removed.length > 0) data = `${sqlite ? 'json_remove' : 'JSON_REMOVE'}(data, ${removed.map(() => '?').join(', ')})`;
  const value = sqlite ? 'json(?)' : "JSON_EXTRACT(?, '$')";
  data = `${sqlite ? 'json_set' : 'JSON_SET'}(${data}, ${keys.map(() => `?, ${value}`).join(', ')})`;
  const user = write.userId === undefined ? '' : ', user_id = ?';
  const params: unknown[] = removed.map(path);
  for (const key of keys) params.push(path(key), encodeData(set[key]));
  params.push(write.touchedAt, now + write.ttl);
  if (write.userId !== undefined) params.push(write.userId);
  params.push(id, now);
  return { sql: `UPDATE ${table} SET data = ${data}, touched_at = ?, expires_at = ?${user} WHERE id = ? AND expires_at > ?`, params };
}

/**
 * MariaDB's and SQLite's patch that only removes keys, as two statements, each atomic on its own:
 * `update` changes the live row when a key is left, `remove` deletes it when none is. When
 * neither changes a row, the row is gone, or a concurrent save changed it between the two, and
 * the locked read-modify-write decides. `null` for a key that is not a plain path label.
 */
export function jsonRemovalStatements(
  type: SessionDatabaseType,
  table: string,
  id: string,
  write: SessionWrite,
  now: number,
): { update: MergeStatement; remove: MergeStatement } | null {
  const paths = [...new Set(splitWrite(write).drop)];
  if (!paths.every((key) => PLAIN_KEY.test(key))) return null;
  const sqlite = type === 'better-sqlite3';
  const remaining = `${sqlite ? 'json_remove' : 'JSON_REMOVE'}(data, ${paths.map(() => '?').join(', ')})`;
  const params = paths.map((key) => `$."${key}"`);
  // json_remove writes JSON minified: an emptied object is exactly '{}'.
  const [left, none] = sqlite ? [`${remaining} <> '{}'`, `${remaining} = '{}'`] : [`JSON_LENGTH(${remaining}) > 0`, `JSON_LENGTH(${remaining}) = 0`];
  const user = write.userId === undefined ? '' : ', user_id = ?';
  const set = [...params, write.touchedAt, now + write.ttl, ...(write.userId === undefined ? [] : [write.userId])];
  return {
    update: {
      sql: `UPDATE ${table} SET data = ${remaining}, touched_at = ?, expires_at = ?${user} WHERE id = ? AND expires_at > ? AND ${left}`,
      params: [...set, id, now, ...params],
    },
    remove: { sql: `DELETE FROM ${table} WHERE id = ? AND expires_at > ? AND ${none}`, params: [id, now, ...params] },
  };
}

/**
 * The keys a write sets once its removals are applied (a key both set and removed ends up
 * removed), and every stored key it replaces or removes.
 */
function splitWrite(write: SessionWrite): { set: StoredData; drop: string[] } {
  const unset = new Set(write.unset);
  const set: StoredData = Object.fromEntries(Object.entries(write.set).filter(([key]) => !unset.has(key)));
  return { set, drop: [...Object.keys(write.set), ...unset] };
}
