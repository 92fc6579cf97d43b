import type { JsonValue } from '../contract/json-value';
import { SessionDataError } from '../errors';
import type { ValueCodec } from './codec.interface';
import { encodeItems, encodeMembers, type EncodeStep } from './encode-nested';
import { refuseAt, type EncodePath } from './encode-path';
import { escapeDict, TAG_KEYS, unescapeDict } from './flask-dict-escape';
import { FlaskTuple, FlaskUuid, Markup, UUID_HEX } from './flask-python-types';
import { assertSafeKey } from './tagged-json.codec';

export { FlaskTuple, FlaskUuid, Markup } from './flask-python-types';

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
