import type { JsonValue } from '../contract/json-value';
import { assertEncodableKey, type EncodePath } from './encode-path';

/** A codec's own encoder of one value, found `depth` levels down at `path`. */
export type EncodeStep = (value: unknown, depth: number, path: EncodePath) => JsonValue;

/** An array's items, one level down; an `undefined` item (or a hole) becomes `null`, as in JSON. */
export function encodeItems(items: readonly unknown[], depth: number, path: EncodePath, encode: EncodeStep): JsonValue[] {
  const out: JsonValue[] = new Array(items.length);
  for (let index = 0; index < items.length; index++) {
    path.push(index);
    out[index] = encode(items[index] ?? null, depth + 1, path);
    path.pop();
  }
  return out;
}

/**
 * An object's own enumerable members, one level down, each key checked with
 * {@link assertEncodableKey}. An `undefined` member is left out, as in JSON; the caller decides
 * whether the result needs escaping from the keys written, not the keys given.
 */
export function encodeMembers(value: object, depth: number, path: EncodePath, encode: EncodeStep): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    path.push(key);
    assertEncodableKey(key, path);
    out[key] = encode(item, depth + 1, path);
    path.pop();
  }
  return out;
}
