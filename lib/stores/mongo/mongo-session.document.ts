import type { JsonValue, SessionRecord, StoredData } from '../../contract/session-store';

/**
 * One session in MongoDB. `data` maps each top-level key (field-name encoded, see
 * {@link encodeField}) to its value as JSON text: any JSON value survives exactly, whatever
 * field names it nests (BSON cannot hold a NUL in a name; servers before 5.0 refuse nested `$`
 * names), and each key is still its own field, so a save `$set`s or `$unset`s only its keys.
 */
export interface MongoSessionDocument {
  _id: string;
  data?: Record<string, string>;
  createdAt: Date;
  touchedAt: Date;
  /** TTL-indexed (`expireAfterSeconds: 0`), and checked by every query. */
  expiresAt: Date;
  userId?: string;
}

/**
 * Session keys may contain `.` (a path separator in updates) or start with `$` (an operator), so
 * they are escaped: `%` `.` `$` and NUL become `%XX`, and the empty key becomes a lone `%`
 * (an escape can never produce it). `__proto__` is stored as `%5F_proto__`, so no reader of the
 * collection (a JS tool, mingo) ever meets a field of that name. Reversible and unambiguous.
 */
export function encodeField(key: string): string {
  if (key === '') return '%';
  if (key === '__proto__') return '%5F_proto__';
  return key.replace(/[%.$\0]/g, (char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
}

export function decodeField(field: string): string {
  if (field === '%') return '';
  return field.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function toRecord(doc: Pick<MongoSessionDocument, 'data' | 'createdAt' | 'touchedAt'>): SessionRecord {
  const data: StoredData = {};
  for (const [field, json] of Object.entries(doc.data ?? {})) {
    // defineProperty: a "__proto__" session key stays a plain own key, never a prototype.
    Object.defineProperty(data, decodeField(field), { value: JSON.parse(json) as JsonValue, enumerable: true, writable: true, configurable: true });
  }
  return { data, createdAt: doc.createdAt.getTime(), touchedAt: doc.touchedAt.getTime() };
}
