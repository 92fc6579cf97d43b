import type { StoredData } from '../../contract/json-value';

/** One session as memcached holds it: a JSON string under `<prefix><id>`. */
export interface MemcachedRecord {
  data: StoredData;
  createdAt: number;
  touchedAt: number;
  /** Epoch ms; checked on every read, since memcached only expires to the second. */
  expiresAt: number;
  userId?: string;
}

/**
 * What an emptied session is replaced with, by CAS, before it is deleted: memcached's ASCII
 * `delete` takes no CAS token, so deleting straight away could erase a key that a concurrent
 * save added after our read. A tombstone reads as "no session" and no save ever patches it.
 */
export const TOMBSTONE = '{"deleted":true}';

/** Memcached reads an exptime above 30 days (in seconds) as a Unix timestamp. */
export const MAX_RELATIVE_EXPTIME = 30 * 24 * 60 * 60;

export function encode(record: MemcachedRecord): string {
  const { data, createdAt, touchedAt, expiresAt, userId } = record;
  return JSON.stringify({ data, createdAt, touchedAt, expiresAt, userId });
}

/** The record in a stored value; `null` for a tombstone, an expired record or a foreign value. */
export function decodeLive(value: unknown, now = Date.now()): MemcachedRecord | null {
  if (typeof value !== 'string') return null;
  try {
    const record = JSON.parse(value) as MemcachedRecord;
    const valid = typeof record.data === 'object' && record.data !== null && typeof record.expiresAt === 'number';
    return valid && record.expiresAt > now ? record : null;
  } catch {
    return null;
  }
}

/**
 * The exptime to send for an absolute expiry: seconds from now up to 30 days, an absolute Unix
 * timestamp beyond (sent as seconds, 40 days would expire at once: the famous memcached trap).
 * Absolute times rely on the app's and memcached's clocks agreeing, as memcached itself does.
 */
export function exptimeOf(expiresAt: number, now = Date.now()): number {
  const seconds = Math.ceil((expiresAt - now) / 1000);
  if (seconds <= 0) return -1; // already expired: memcached drops the item at once
  return seconds <= MAX_RELATIVE_EXPTIME ? seconds : Math.ceil(expiresAt / 1000);
}
