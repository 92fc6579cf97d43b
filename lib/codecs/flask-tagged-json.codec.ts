import { SessionDataError } from '../errors/session.errors';
import type { JsonValue } from '../stores/session-store';
import type { ValueCodec } from './codec.interface';
import { encodeItems, encodeMembers, type EncodeStep } from './encode-nested';
import { refuseAt, type EncodePath } from './encode-path';
import { assertSafeKey } from './tagged-json.codec';

/**
 * A Python tuple. Flask keeps tuples apart from lists on the wire (`{" t": [...]}`), and stores
 * each flash message as a `(category, message)` tuple, so a value read from a Flask cookie must
 * stay a tuple when Nest writes it back. It is a real array, so `session.get('_flashes')` reads
 * as an array of pairs; methods that build new arrays (`map`, `filter`, ...) return plain arrays.
 * The type parameter is the tuple's shape, e.g. `FlaskTuple<[string, string]>` for a flash.
 */
export class FlaskTuple<T extends readonly unknown[] = unknown[]> extends Array<T[number]> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  // Spread, so that `new FlaskTuple(3)` is the tuple `(3,)` and not an empty array of length 3.
  constructor(...items: T) {
    super();
    this.push(...items);
  }
}

/**
 * HTML that is already safe, as markupsafe's `Markup`. Flask tags anything with an `__html__`
 * method as Markup (`{" m": "..."}`); this class lets Nest code read and write such values
 * without them turning into plain strings that a Jinja template would escape again.
 */
export class Markup {
  constructor(readonly html: string) {}

  __html__(): string {
    return this.html;
  }

  toString(): string {
    return this.html;
  }
}

const UUID_HEX = /^[0-9a-f]{32}$/i;
const UUID_CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A Python `uuid.UUID`. JavaScript has no UUID type, and a plain string would come back to
 * Flask as `str`, so UUIDs read from a Flask session are kept in this class and written back as
 * `{" u": "<32 hex>"}`.
 */
export class FlaskUuid {
  /** The 32 lowercase hex digits (Python's `UUID.hex`). */
  readonly hex: string;

  /** Accepts the canonical form (`8-4-4-4-12`) or 32 hex digits, in either case. */
  constructor(value: string) {
    if (!UUID_HEX.test(value) && !UUID_CANONICAL.test(value)) {
      throw new TypeError(`not a UUID: ${JSON.stringify(value)}`);
    }
    this.hex = value.replace(/-/g, '').toLowerCase();
  }

  /** The canonical form, as Python's `str(uuid)`. */
  toString(): string {
    const h = this.hex;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

/** The keys of Flask's registered tags, in Flask 2.2 to 3.1. */
const TAG_KEYS = new Set([' di', ' t', ' b', ' m', ' u', ' d']);

/**
 * Flask's `TagDict`: a dict with exactly one key, when that key is a tag key, travels as
 * `{" di": {key + "__": value}}` so it is not mistaken for a tagged value. Other dicts, even
 * with keys that start with a space, are left alone. The session itself goes through this rule
 * too, which is why the cookie codec uses it on the top level.
 * @internal shared with {@link FlaskCookieCodec}; not part of the public API.
 */
export function escapeDict(dict: Record<string, JsonValue>): Record<string, JsonValue> {
  const keys = Object.keys(dict);
  if (keys.length !== 1 || !TAG_KEYS.has(keys[0])) return dict;
  return { ' di': { [`${keys[0]}__`]: dict[keys[0]] } };
}

/**
 * Reads an escaped dict back: returns the dict for `{" di": {"<key>__": value}}`, `undefined`
 * when the value is not a one-key object with a tag key (an ordinary dict), and throws for any
 * other tag or a malformed `" di"` body. The caller checks the returned key with
 * {@link assertSafeKey}, as it does every other key.
 * @internal shared with {@link FlaskCookieCodec}; not part of the public API.
 */
export function unescapeDict(value: Record<string, JsonValue>): Record<string, JsonValue> | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1 || !TAG_KEYS.has(keys[0])) return undefined;
  const body = value[keys[0]];
  if (keys[0] === ' di' && isObject(body)) {
    const inner = Object.keys(body);
    if (inner.length === 1 && inner[0].endsWith('__')) {
      return { [inner[0].slice(0, -2)]: body[inner[0]] };
    }
  }
  throw new SessionDataError(`stored data carries a malformed ${JSON.stringify(keys[0])} tag where a dict was expected`);
}

const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Flask's session value format (`flask.json.tag.TaggedJSONSerializer`): JSON, plus one-key
 * objects whose key is a tag for the Python types JSON lacks:
 *
 * | JavaScript                                | Python     | stored as                                 |
 * |-------------------------------------------|------------|-------------------------------------------|
 * | {@link FlaskTuple}                        | `tuple`    | `{" t": [...]}`                           |
 * | `Buffer` / `Uint8Array`                   | `bytes`    | `{" b": "<standard base64>"}`             |
 * | {@link Markup} (anything with `__html__`) | `Markup`   | `{" m": "<html>"}`                        |
 * | {@link FlaskUuid}                         | `UUID`     | `{" u": "<32 hex>"}`                      |
 * | `Date` (UTC, whole seconds)               | `datetime` | `{" d": "Tue, 02 Jan 2024 03:04:05 GMT"}` |
 * | one-key object with a tag key             | `dict`     | `{" di": {"<key>__": value}}`             |
 *
 * Used with the `'flask'` cookie format so that a Flask app and a Nest app can share one session
 * cookie and each sees the other's values with their types intact. Numbers follow JSON: an
 * integral number reads as a Python `int`, any other as a `float`. `Map`, `Set` and `bigint`
 * have no Flask counterpart and are refused rather than silently changed.
 *
 * Decoding never runs code. Keys that could reach an object's prototype (`__proto__`,
 * `constructor`, `prototype`) are refused both ways, at any depth, so a value that could not be
 * read back is never written; so are functions, symbols and nesting deeper than `maxDepth`.
 */
export class FlaskTaggedJsonCodec implements ValueCodec {
  /** {@link encodeValue}, bound once, for the shared loops over items and members. */
  private readonly encodeStep: EncodeStep = (value, depth, path) => this.encodeValue(value, depth, path);

  constructor(private readonly maxDepth = 32) {}

  /**
   * Encodes a value. `key`, when given, is the session key it is stored under, so that an error
   * names the full path (`session key "profile.constructor"`).
   */
  encode(value: unknown, key?: string): JsonValue {
    return this.encodeValue(value, 0, key === undefined ? [] : [key]);
  }

  decode(value: JsonValue): unknown {
    return this.decodeValue(value, 0);
  }

  private encodeValue(value: unknown, depth: number, path: EncodePath): JsonValue {
    if (depth > this.maxDepth) throw refuseAt(path, `session data is nested deeper than ${this.maxDepth} levels, or is circular`);
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') return Number.isFinite(value) ? value : null;
    if (typeof value === 'bigint') {
      throw refuseAt(path, 'a bigint cannot be kept in a Flask session: use a number or a string');
    }
    if (typeof value !== 'object') throw refuseAt(path, `a ${typeof value} cannot be kept in a session`);
    // Tuples are arrays, so they are tested before lists (Flask's order: tuple, then list).
    if (value instanceof FlaskTuple) return { ' t': encodeItems(value, depth, path, this.encodeStep) };
    if (Array.isArray(value)) return encodeItems(value, depth, path, this.encodeStep);
    if (value instanceof Uint8Array) return { ' b': Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
    const html = (value as { __html__?: unknown }).__html__;
    if (typeof html === 'function') return { ' m': String(html.call(value)) };
    if (value instanceof FlaskUuid) return { ' u': value.hex };
    if (value instanceof Date) return { ' d': httpDate(value, path) };
    if (value instanceof Map || value instanceof Set) {
      throw refuseAt(path, `a ${value.constructor.name} cannot be kept in a Flask session: Flask's format has no such type`);
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return this.encodeValue(toJSON.call(value), depth + 1, path);
    // JSON's rule: an undefined member is left out (and does not count for the escape below).
    const out = encodeMembers(value, depth, path, this.encodeStep);
    // Escaped on the keys written, not the keys given (see escapeDict).
    return escapeDict(out);
  }

  private decodeValue(value: JsonValue, depth: number): unknown {
    if (depth > this.maxDepth) throw new SessionDataError(`stored data is nested deeper than ${this.maxDepth} levels`);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => this.decodeValue(item, depth + 1));
    const keys = Object.keys(value);
    if (keys.length === 1 && TAG_KEYS.has(keys[0]) && keys[0] !== ' di') return this.decodeTag(keys[0], value[keys[0]], depth);
    const dict = unescapeDict(value) ?? value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(dict)) {
      assertSafeKey(key);
      out[key] = this.decodeValue(dict[key], depth + 1);
    }
    return out;
  }

  private decodeTag(tag: string, body: JsonValue, depth: number): unknown {
    switch (tag) {
      case ' t':
        if (Array.isArray(body)) {
          // One push per item: spreading a long array into the constructor could hit the
          // engine's argument limit.
          const tuple = new FlaskTuple<unknown[]>();
          for (const item of body) tuple.push(this.decodeValue(item, depth + 1));
          return tuple;
        }
        break;
      case ' b':
        if (typeof body === 'string' && STD_BASE64.test(body)) return Buffer.from(body, 'base64');
        break;
      case ' m':
        if (typeof body === 'string') return new Markup(body);
        break;
      case ' u':
        if (typeof body === 'string' && UUID_HEX.test(body)) return new FlaskUuid(body);
        break;
      case ' d':
        if (typeof body === 'string') {
          const date = parseHttpDate(body);
          if (date) return date;
        }
        break;
    }
    throw new SessionDataError(`stored data carries a malformed ${JSON.stringify(tag)} tag`);
  }
}

function isObject(value: JsonValue): value is Record<string, JsonValue> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** werkzeug's `http_date`: IMF-fixdate in UTC, whole seconds, for Python's years 1 to 9999. */
function httpDate(date: Date, path: EncodePath): string {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 1 || year > 9999) {
    throw refuseAt(path, 'a Date outside the years 1 to 9999 (or an invalid Date) cannot be kept in a Flask session');
  }
  // toUTCString pads the year to four digits and drops the milliseconds, as http_date does.
  return date.toUTCString();
}

function parseHttpDate(text: string): Date | null {
  const match = HTTP_DATE.exec(text);
  if (!match) return null;
  const [, day, month, year, hours, minutes, seconds] = match;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0 to 99 as 1900 to 1999.
  date.setUTCFullYear(Number(year), MONTHS.indexOf(month), Number(day));
  date.setUTCHours(Number(hours), Number(minutes), Number(seconds), 0);
  // Out-of-range fields (31 Feb, 25:00) roll over; comparing past the weekday refuses them.
  return date.toUTCString().slice(5) === text.slice(5) ? date : null;
}
