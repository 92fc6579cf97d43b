import { SessionDataError } from '../../errors';
import type { JsonValue, SessionWrite, StoredData } from '../../contract/session-store';
import { mergeChangeSet } from '../shared/merge-change-set';

/** A row as the store's locking read returns it (drivers return `bigint` as string or number). */
export interface LockedRow {
  data: string;
  created_at: string | number;
  expires_at: string | number;
  user_id: string | null;
}

/** What one save must write, decided while the row is locked. */
export type PatchPlan = { outcome: 'missing' } | { outcome: 'deleted'; statement?: 'delete' } | { outcome: 'saved'; statement: 'insert' | 'update'; values: RowValues };

export interface RowValues {
  data: string;
  createdAt: number;
  touchedAt: number;
  expiresAt: number;
  userId: string | null;
}

/**
 * Merges one change-set into the current row. An expired row counts as missing: a patch never
 * revives it, and only a create (a fresh id) may overwrite it.
 */
export function planPatch(row: LockedRow | undefined, write: SessionWrite, now: number): PatchPlan {
  const live = row !== undefined && Number(row.expires_at) > now;
  if (!live && !write.create) return { outcome: 'missing' };
  const data = mergeChangeSet(live ? parseData(row.data) : {}, write);
  if (data === null) return row ? { outcome: 'deleted', statement: 'delete' } : { outcome: 'deleted' };
  const keptUser = live ? row.user_id : null;
  const values: RowValues = {
    data: encodeData(data),
    createdAt: live ? Number(row.created_at) : write.createdAt,
    touchedAt: write.touchedAt,
    expiresAt: now + write.ttl,
    userId: write.userId === undefined ? keptUser : write.userId,
  };
  return { outcome: 'saved', statement: row ? 'update' : 'insert', values };
}

/** `(data, created_at, touched_at, expires_at, user_id)`: the insert puts `id` before them, the update after. */
export function rowParams(values: RowValues): unknown[] {
  return [values.data, values.createdAt, values.touchedAt, values.expiresAt, values.userId];
}

/** Data of a fresh record, for the insert that is tried before any lock. */
export function createValues(write: SessionWrite, now: number): RowValues | null {
  const data = mergeChangeSet({}, write);
  if (data === null) return null;
  const values = { data: encodeData(data), createdAt: write.createdAt, touchedAt: write.touchedAt, expiresAt: now + write.ttl };
  return { ...values, userId: write.userId ?? null };
}

/**
 * JSON with every non-ASCII character escaped, so the stored text is plain ASCII: it survives any
 * column or connection character set (MySQL's `utf8` cannot hold emoji) and reads back exactly.
 */
export function encodeData(data: JsonValue): string {
  return JSON.stringify(data).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function parseData(text: string): StoredData {
  const data: unknown = JSON.parse(text);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new SessionDataError('a session row holds data that is not a JSON object');
  }
  return data as StoredData;
}
