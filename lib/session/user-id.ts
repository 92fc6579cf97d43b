import type { JsonValue, StoredData } from '../contract/json-value';
import { SessionDataError } from '../errors';

/** What `listUserSessions` and `destroyUserSessions` accept: the types a `userKey` value may have. */
export type UserId = string | number | bigint;

/**
 * The one rule for user ids, the same on every store: a string is itself, a finite number and a
 * bigint are their decimal text, so `42n`, `42` and `'42'` name the same user (a Prisma `BigInt`
 * id and the number in a JWT find each other). Anything else (an object, a boolean, a date) has no
 * text everyone would agree on, so it is refused where it is written rather than indexed under a
 * key no lookup can build. Stores receive the text and match it exactly: no case or trailing-space
 * folding, any length, any character.
 */
export function userIdOfValue(value: unknown, userKey: string, lookup = false): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (lookup) {
    throw new SessionDataError(`a user's sessions are looked up by the id the userKey option ("${userKey}") holds: a string, a finite number or a bigint, not ${describe(value)}.`);
  }
  throw refused(userKey, describe(value));
}

/**
 * The user id of a stored (encoded) `userKey` value: the same rule, with a bigint in its tagged
 * form (`{" n": "42"}`). `null` means "no user".
 */
export function userIdOfStored(value: JsonValue, userKey: string): string | null {
  if (value === null) return null;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === ' n' && typeof value[' n'] === 'string') return value[' n'];
  }
  if (typeof value === 'object') throw refused(userKey, Array.isArray(value) ? 'an array' : 'an object');
  return userIdOfValue(value, userKey);
}

/** The owner of a new session (see {@link userIdOfStored}: a value no lookup could name is refused). */
export function userIdOfData(data: StoredData, userKey: string | undefined): string | undefined {
  if (!userKey || data[userKey] === undefined) return undefined;
  return userIdOfStored(data[userKey], userKey) ?? undefined;
}

/**
 * What a change-set (the keys it sets, the keys it unsets) does to the session's owner, as
 * `SessionWrite.userId` carries it: the new owner, `null` when the owner goes, `undefined` when
 * it stays (or without a `userKey` option).
 */
export function userIdChange(set: StoredData, unset: string[], userKey: string | undefined): string | null | undefined {
  if (!userKey) return undefined;
  if (Object.hasOwn(set, userKey)) return userIdOfStored(set[userKey], userKey);
  return unset.includes(userKey) ? null : undefined;
}

function refused(userKey: string, what: string): SessionDataError {
  return new SessionDataError(
    `the userKey option names session key "${userKey}", which holds ${what}: a user id must be a string, a finite number or a bigint. Store the id itself (for example user.id), not the user object.`,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return `the number ${String(value)}`;
  return `a value of type ${typeof value}`;
}
