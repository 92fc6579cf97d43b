import type { SessionWrite, StoredData } from '../../contract/session-store';

/**
 * Applies one change-set to the data a store holds: the keys of `set` replace theirs, then the
 * keys of `unset` are removed (so a key both set and unset ends up unset). Returns `null` when no
 * key is left: the emptied-session rule says such a record is deleted, never kept empty.
 *
 * `base` is not modified. Values are not copied: stores that keep objects in memory copy them
 * themselves.
 */
export function mergeChangeSet(base: StoredData, write: Pick<SessionWrite, 'set' | 'unset'>): StoredData | null {
  const data: StoredData = { ...base, ...write.set };
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- session data is a key-value record by design
  for (const key of write.unset) delete data[key];
  for (const _ in data) return data;
  return null;
}
