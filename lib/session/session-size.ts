import type { StoredData } from '../contract/json-value';
import { SessionTooLargeError } from '../errors';

/**
 * The `maxSize` option of server-side sessions: data whose encoded form (the JSON the store is
 * given) is larger than `maxSize` bytes fails with `SessionTooLargeError`, before anything is written.
 */
export function checkSessionSize(data: StoredData, maxSize: number): void {
  const size = Buffer.byteLength(JSON.stringify(data));
  if (size > maxSize) {
    throw new SessionTooLargeError(size, maxSize, 'Keep less in the session, or raise the maxSize option.');
  }
}
