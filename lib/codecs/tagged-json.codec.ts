import type { JsonValue } from '../contract/json-value';
import { SessionDataError } from '../errors';
import type { ValueCodec } from './codec.interface';
import { encodeItems, encodeMembers, type EncodeStep } from './encode-nested';
import { FORBIDDEN_KEYS, refuseAt, type EncodePath } from './encode-path';

/**
 * nest-session's value format: plain JSON, with explicit tags for the types JSON cannot carry.
 * A tagged value is an object with exactly one key that starts with a space, like Flask's
 * tagged JSON, so ordinary data never collides with a tag:
 *
 * | value                | stored as                         |
 * |----------------------|-----------------------------------|
 * | `Date`               | `{" d": "2024-01-02T03:04:05.000Z"}` |
 * | `Buffer`/`Uint8Array`| `{" b": "<base64>"}`              |
 * | `bigint`             | `{" n": "123"}`                   |
 * | `Map`                | `{" m": [[key, value], ...]}`     |
 * | `Set`                | `{" s": [value, ...]}`            |
 * | one-key object whose key starts with a space | `{" o": {...}}` (escaped) |
 *
 * Decoding never runs code: it only rebuilds these types. Keys that could reach an object's
 * prototype (`__proto__`, `constructor`, `prototype`) are refused both ways, at any depth, so a
 * value that could not be read back is never written; so are functions, symbols and nesting deeper
 * than `maxDepth`. Members that are `undefined` are left out, as JSON does.
 */
export class TaggedJsonCodec implements ValueCodec {
  /** {@link encodeValue}, bound once, for the shared loops over items and members. */
  private readonly encodeStep: EncodeStep = (value, depth, path) => this.encodeValue(value, depth, path);

  constructor(private readonly maxDepth = 32) {}

  /**
   * Encodes a value. `key`, when given, is the session key it is stored under, so that an error
   * names the full path (`session key "profile.constructor"`). Refuses, at any depth, prototype
   * keys, functions and symbols, and nesting deeper than `maxDepth` (cycles included).
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
    if (typeof value === 'bigint') return { ' n': value.toString() };
    if (typeof value !== 'object') throw refuseAt(path, `a ${typeof value} cannot be kept in a session`);
    if (Array.isArray(value)) return encodeItems(value, depth, path, this.encodeStep);
    if (value instanceof Date) return { ' d': value.toISOString() };
    if (value instanceof Uint8Array) return { ' b': Buffer.from(value).toString('base64') };
    if (value instanceof Map) {
      const entries: JsonValue[] = [];
      for (const [k, v] of value) {
        path.push(entries.length);
        entries.push([this.encodeValue(k, depth + 1, path), this.encodeValue(v, depth + 1, path)]);
        path.pop();
      }
      return { ' m': entries };
    }
    if (value instanceof Set) return { ' s': encodeItems([...value], depth, path, this.encodeStep) };
    const toJSON = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof toJSON === 'function') return this.encodeValue(toJSON.call(value), depth + 1, path);
    // JSON's rule: an undefined member is left out (and does not count for the escape below).
    const out = encodeMembers(value, depth, path, this.encodeStep);
    // The escape decision looks at what is written: `{ " a": 1, b: undefined }` is written as a
    // one-key object, which the decoder would take for a tag.
    const written = Object.keys(out);
    if (written.length === 1 && written[0].startsWith(' ')) return { ' o': out };
    return out;
  }

  private decodeValue(value: JsonValue, depth: number): unknown {
    if (depth > this.maxDepth) throw new SessionDataError(`stored data is nested deeper than ${this.maxDepth} levels`);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => this.decodeValue(item, depth + 1));
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0].startsWith(' ')) return this.decodeTag(keys[0], value[keys[0]], depth);
    return this.decodeObject(value, depth);
  }

  private decodeObject(value: Record<string, JsonValue>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      assertSafeKey(key);
      out[key] = this.decodeValue(value[key], depth + 1);
    }
    return out;
  }

  private decodeTag(tag: string, body: JsonValue, depth: number): unknown {
    switch (tag) {
      case ' d':
        if (typeof body === 'string') {
          const date = new Date(body);
          if (!Number.isNaN(date.getTime())) return date;
        }
        break;
      case ' b':
        if (typeof body === 'string') return Buffer.from(body, 'base64');
        break;
      case ' n':
        if (typeof body === 'string' && /^-?\d{1,400}$/.test(body)) return BigInt(body);
        break;
      case ' m':
        if (Array.isArray(body) && body.every((e) => Array.isArray(e) && e.length === 2)) {
          return new Map(body.map((e) => (e as JsonValue[]).map((x) => this.decodeValue(x, depth + 1)) as [unknown, unknown]));
        }
        break;
      case ' s':
        if (Array.isArray(body)) return new Set(body.map((x) => this.decodeValue(x, depth + 1)));
        break;
      case ' o':
        if (body !== null && typeof body === 'object' && !Array.isArray(body)) return this.decodeObject(body, depth);
        break;
    }
    throw new SessionDataError(`stored data carries an unknown or malformed tag ${JSON.stringify(tag)}`);
  }
}

/** Refuses keys that would reach an object's prototype when copied into a plain object. */
export function assertSafeKey(key: string): void {
  if (FORBIDDEN_KEYS.has(key)) throw new SessionDataError(`stored data carries the forbidden key ${JSON.stringify(key)}`);
}
