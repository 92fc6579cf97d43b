import { createHmac } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import type { JsonValue, StoredData } from '../contract/json-value';
import { FLASHES_KEY } from '../contract/session-keys';
import { safeEqual } from '../utils/crypto';
import type { CookieCodec, CookiePayload, DecodedCookie } from './codec.interface';
import { escapeDict, unescapeDict } from './flask-dict-escape';
import { FlaskTaggedJsonCodec } from './flask-tagged-json.codec';
import { decodeSeconds, encodeSeconds } from './signed-cookie.codec';
import { assertSafeKey } from './tagged-json.codec';

/** Largest payload accepted after decompression; a Flask cookie is at most 4 KiB compressed. */
const MAX_PAYLOAD = 64 * 1024;
const COOKIE = /^\.?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The session key that carries the creation time (Unix seconds) in the Flask format. Flask and
 * its extensions do not use it; a Flask app sees it as an ordinary key and keeps it.
 */
export const CREATED_KEY = '_nest_created';

/**
 * Flask's own session cookie (`SecureCookieSessionInterface` over itsdangerous'
 * `URLSafeTimedSerializer`), so a Nest app and a Flask app behind one domain can share a session:
 *
 *     [.]base64url(payload) "." base64url(issued-at seconds) "." base64url(HMAC-SHA1)
 *
 * The signing key is `HMAC-SHA1(secret, "cookie-session")`; the signature covers everything before
 * the last dot, including the leading `.` that marks a zlib-compressed payload. The payload is the
 * session dict in Flask's tagged JSON ({@link FlaskTaggedJsonCodec}), serialized exactly as
 * Python's `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=True)` does, so an
 * uncompressed cookie is byte for byte the one Flask writes for the same data and second.
 * Compressed payloads are zlib streams that Flask reads, but not always Flask's bytes: Node
 * bundles Chromium's zlib, which finds other matches than the zlib CPython links, so the
 * compressed bytes (and, near the two-byte threshold, the choice to compress) can differ.
 *
 * Flask has no creation time. With `carryCreatedAt` (on when the `absoluteTimeout` option is set)
 * the creation time travels in the session dict under the reserved key {@link CREATED_KEY}, as
 * Unix seconds: Flask treats it as one more session key and keeps it when it re-issues the cookie,
 * so the absolute timeout holds whichever app re-signs the cookie. Without it nothing is added
 * (cookies stay byte for byte Flask's) and a cookie without the key reads as created when issued.
 * The key is never part of the data the Nest app sees. The signing key stays Flask's (no cookie
 * name in it, unlike the other formats), or Flask could not read the cookie.
 * Secrets are newest first (the first signs, all verify); a Flask app with `SECRET_KEY = A` and
 * `SECRET_KEY_FALLBACKS = [B]` matches `secret: [A, B]`.
 */
export class FlaskCookieCodec implements CookieCodec {
  readonly values: FlaskTaggedJsonCodec;
  private readonly keys: Buffer[];

  constructor(
    secrets: readonly string[],
    maxDepth = 32,
    private readonly carryCreatedAt = false,
  ) {
    this.values = new FlaskTaggedJsonCodec(maxDepth);
    this.keys = secrets.map((secret) => createHmac('sha1', secret).update('cookie-session').digest());
  }

  encode(payload: CookiePayload, issuedAt: number): string {
    const json = Buffer.from(pythonJson(escapeDict(flashesAsTuples(this.withCreatedAt(payload)))), 'ascii');
    const compressed = deflateSync(json);
    // itsdangerous compresses only when it saves at least two bytes.
    const body = compressed.length < json.length - 1 ? `.${compressed.toString('base64url')}` : json.toString('base64url');
    const signed = `${body}.${encodeSeconds(issuedAt)}`;
    return `${signed}.${sign(this.keys[0], signed)}`;
  }

  decode(value: string): DecodedCookie | null {
    if (!COOKIE.test(value)) return null;
    const last = value.lastIndexOf('.');
    const signed = value.slice(0, last);
    const signature = value.slice(last + 1);
    const keyIndex = this.keys.findIndex((key) => safeEqual(signature, sign(key, signed)));
    if (keyIndex < 0) return null;
    const middle = signed.lastIndexOf('.');
    const issuedAt = decodeSeconds(signed.slice(middle + 1));
    if (issuedAt === null) return null;
    const body = signed.slice(0, middle);
    try {
      const compressed = body.startsWith('.');
      const raw = Buffer.from(compressed ? body.slice(1) : body, 'base64url');
      const json = compressed ? inflateSync(raw, { maxOutputLength: MAX_PAYLOAD }) : raw;
      const data = this.sessionDict(JSON.parse(json.toString('utf8')) as JsonValue);
      if (!data) return null;
      const created = takeCreatedAt(data);
      if (created === null) return null;
      // A creation time after the issue time cannot be true; it must never lengthen the session.
      return { data, createdAt: Math.min(created ?? issuedAt, issuedAt), issuedAt, keyIndex };
    } catch {
      // Corrupt zlib data, bad JSON or data the value codec refuses: Flask, too, starts afresh.
      return null;
    }
  }

  /** The data to write: with the reserved creation-time key when carried, never with it otherwise. */
  private withCreatedAt(payload: CookiePayload): StoredData {
    const { data } = payload;
    if (this.carryCreatedAt) return { ...data, [CREATED_KEY]: Math.floor(payload.createdAt / 1000) };
    if (!Object.hasOwn(data, CREATED_KEY)) return data;
    const { [CREATED_KEY]: _dropped, ...rest } = data;
    return rest;
  }

  /**
   * The session dict of a parsed payload, values still encoded. Every value is decoded once here
   * so that a cookie this codec would refuse later counts as invalid now, as in Flask, instead of
   * failing every request that carries it.
   */
  private sessionDict(parsed: JsonValue): StoredData | null {
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const data = unescapeDict(parsed) ?? parsed;
    for (const key of Object.keys(data)) {
      assertSafeKey(key);
      this.values.decode(data[key]);
    }
    return data;
  }
}

/**
 * Removes the reserved key from the data: its time in milliseconds, `undefined` when absent, or
 * `null` when it is not a whole number of seconds (a cookie to refuse, as any malformed one).
 */
function takeCreatedAt(data: StoredData): number | null | undefined {
  if (!Object.hasOwn(data, CREATED_KEY)) return undefined;
  const seconds = data[CREATED_KEY];
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- our reserved key leaves the user's data here
  delete data[CREATED_KEY];
  return typeof seconds === 'number' && Number.isSafeInteger(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

function sign(key: Buffer, text: string): string {
  return createHmac('sha1', key).update(text).digest('base64url');
}

/**
 * JSON as Python's `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)`
 * writes it, which is what Flask signs: keys sorted by code point, no spaces, everything outside
 * printable ASCII escaped as lowercase `\uXXXX` (astral characters as surrogate pairs).
 */
function pythonJson(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return pythonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(',')}]`;
  const keys = Object.keys(value).sort(byCodePoint);
  return `{${keys.map((key) => `${pythonString(key)}:${pythonJson(value[key])}`).join(',')}}`;
}

function pythonString(text: string): string {
  // JSON.stringify already escapes quotes, backslashes, control characters (with the same short
  // forms and lowercase hex as Python) and lone surrogates; Python also escapes DEL and above.
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * An integral number is written as a Python `int`; any other as Python's `repr(float)`, which
 * uses the same shortest digits as JavaScript but switches to exponent notation below 1e-4
 * (`1e-05`, two-digit exponent). Numbers that are not integral are below 2**52, so the large
 * exponent form never applies.
 */
function pythonNumber(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  if (Number.isInteger(value)) return BigInt(value).toString();
  const [mantissa, exponentText] = value.toExponential().split('e');
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${fraction}e-${String(-exponent).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/** Python orders strings by code point; JavaScript's default sort orders UTF-16 code units. */
function byCodePoint(a: string, b: string): number {
  for (let i = 0; i < a.length && i < b.length;) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

/**
 * Flask keeps each flash as a `(category, message)` tuple. The session object queues plain pairs
 * (its format-neutral shape), so the Flask format writes them as tuples, as Flask would.
 */
function flashesAsTuples(data: StoredData): StoredData {
  const flashes = data[FLASHES_KEY];
  if (!Array.isArray(flashes)) return data;
  const tuples = flashes.map((entry) => (Array.isArray(entry) && entry.length === 2 ? { ' t': entry } : entry));
  return { ...data, [FLASHES_KEY]: tuples };
}
