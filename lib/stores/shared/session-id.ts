import { SessionIdError } from '../../errors';

/**
 * The one session id format every store accepts: 43 base64url characters, the encoding of the
 * 32 random bytes the module generates (Flask-Session's `SESSION_ID_LENGTH`, 256 bits).
 *
 * Ids reach the stores already validated and signed, and are checked again here on purpose: an id
 * becomes a file name, a memcached key (where a space or a newline is a protocol injection), a
 * MongoDB filter value or a Redis key, and each store must stay safe on its own.
 */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Whether `id` is a well-formed session id. */
export function isSessionId(id: unknown): id is string {
  return typeof id === 'string' && SESSION_ID_PATTERN.test(id);
}

/** Returns `id` when it is well formed; throws a `SessionIdError` (a `RangeError`) that names the store otherwise. */
export function checkSessionId(id: unknown, store: string): string {
  if (!isSessionId(id)) throw new SessionIdError(store);
  return id;
}
