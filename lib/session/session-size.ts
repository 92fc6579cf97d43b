import type { StoredData } from '../contract/json-value';
import { SessionTooLargeError } from '../errors';

/**
 * The `maxSize` option of server-side sessions: data whose encoded form (the JSON the store is
 * given) is larger than `maxSize` bytes fails with `SessionTooLargeError`, before anything is written.
 */
export function checkSessionSize(data: StoredData, maxSize: number): void {
  const json = JSON.stringify(data);
  // A UTF-16 unit takes at most 3 bytes in UTF-8: most sessions are far below the bound, and
  // counting their bytes would walk the string a second time on every write.
  if (json.length * 3 <= maxSize) return;
  const size = Buffer.byteLength(json);
  if (size > maxSize) {
    throw new SessionTooLargeError(size, maxSize, 'Keep less in the session, or raise the maxSize option.');
  }
}
