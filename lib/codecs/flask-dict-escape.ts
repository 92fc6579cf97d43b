import type { JsonValue } from '../contract/json-value';
import { SessionDataError } from '../errors';

/** The keys of Flask's registered tags, in Flask 2.2 to 3.1. */
export const TAG_KEYS = new Set([' di', ' t', ' b', ' m', ' u', ' d']);

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

function isObject(value: JsonValue): value is Record<string, JsonValue> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
