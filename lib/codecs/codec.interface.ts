import type { JsonValue, StoredData } from '../contract/json-value';

/**
 * Turns one session value into its stored, JSON-safe form and back. Server stores keep values in
 * this form, and the session compares encoded forms to find the keys a request changed (nested
 * mutations included).
 */
export interface ValueCodec {
  /**
   * Encodes a value; throws {@link SessionDataError} for a value it cannot keep (a prototype key,
   * a function or symbol, nesting too deep), at any depth, naming the key path. `key` is the
   * session key the value is stored under, used only in that message. Cheap enough to run in
   * `session.set()`, so the handler sees the error at the call that caused it.
   */
  encode(value: unknown, key?: string): JsonValue;
  /** Decodes a stored value; throws {@link SessionDataError} for data it refuses. */
  decode(value: JsonValue): unknown;
}

/** What the cookie store puts in the cookie. */
export interface CookiePayload {
  /** Top-level keys with encoded values. */
  data: StoredData;
  /** Creation time of the session, epoch milliseconds. */
  createdAt: number;
}

/** A cookie that passed its signature (or authentication) check. */
export interface DecodedCookie extends CookiePayload {
  /** When the cookie was issued, epoch milliseconds (whole seconds on the wire). */
  issuedAt: number;
  /** Index of the secret that verified it: above 0 means an older secret, so re-sign it. */
  keyIndex: number;
}

/**
 * A wire format of the cookie store. `decode` returns `null` for anything it cannot verify or
 * parse; it never throws on hostile input. Age checks belong to the caller.
 */
export interface CookieCodec {
  /** The value codec that matches this wire format. */
  readonly values: ValueCodec;
  /** Encodes and signs a payload with the newest secret. */
  encode(payload: CookiePayload, issuedAt: number): string;
  /** Verifies with every secret, newest first, and decodes. */
  decode(value: string): DecodedCookie | null;
}
