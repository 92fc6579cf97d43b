import { SessionDataError } from '../errors/session.errors';
import type { JsonValue } from '../stores/session-store';
import type { ValueCodec } from './codec.interface';

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
 * prototype (`__proto__`, `constructor`, `prototype`) are refused, and so is nesting deeper than
 * `maxDepth`.
 */
export class TaggedJsonCodec implements ValueCodec {
  constructor(private readonly maxDepth = 32) {}

  encode(value: unknown): JsonValue {
    return this.encodeValue(value, 0);
  }

  decode(value: JsonValue): unknown {
    return this.decodeValue(value, 0);
  }

  private encodeValue(value: unknown, depth: number): JsonValue {
    if (depth > this.maxDepth) {
      throw new SessionDataError(`session data is nested deeper than ${this.maxDepth} levels, or is circular`);
    }
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') return Number.isFinite(value) ? value : null;
    if (typeof value === 'bigint') return { ' n': value.toString() };
    if (typeof value !== 'object') {
      throw new SessionDataError(`a ${typeof value} cannot be kept in a session`);
    }
    if (Array.isArray(value)) return value.map((item) => this.encodeValue(item ?? null, depth + 1));
    if (value instanceof Date) return { ' d': value.toISOString() };
    if (value instanceof Uint8Array) return { ' b': Buffer.from(value).toString('base64') };
    if (value instanceof Map) {
      return { ' m': [...value].map(([k, v]) => [this.encodeValue(k, depth + 1), this.encodeValue(v, depth + 1)]) };
    }
    if (value instanceof Set) return { ' s': [...value].map((v) => this.encodeValue(v, depth + 1)) };
    const toJSON = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof toJSON === 'function') return this.encodeValue(toJSON.call(value), depth + 1);
    const out: Record<string, JsonValue> = {};
    const keys = Object.keys(value);
    for (const key of keys) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      out[key] = this.encodeValue(item, depth + 1);
    }
    if (keys.length === 1 && keys[0].startsWith(' ')) return { ' o': out };
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

  private decodeObject(value: { [key: string]: JsonValue }, depth: number): Record<string, unknown> {
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

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Refuses keys that would reach an object's prototype when copied into a plain object. */
export function assertSafeKey(key: string): void {
  if (FORBIDDEN_KEYS.has(key)) throw new SessionDataError(`stored data carries the forbidden key ${JSON.stringify(key)}`);
}
