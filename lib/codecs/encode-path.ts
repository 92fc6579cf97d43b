import { SessionDataError } from '../errors';

/**
 * Where the encoder stands inside a value: the keys and indexes from the session key down. It is
 * a stack the encoder pushes and pops as it walks, so a value that encodes fine costs no strings;
 * only a refusal turns it into text, for an error that names the exact key.
 */
export type EncodePath = (string | number)[];

/** Keys that would reach an object's prototype when copied into a plain object. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** At most this many characters of a key path go into an error message (keys can be hostile). */
const MAX_PATH_TEXT = 200;

/** `profile.items[2].constructor`, shortened for the log when very long. */
export function describePath(path: EncodePath): string {
  let text = '';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : text ? `.${segment}` : segment;
    if (text.length > MAX_PATH_TEXT) return `${text.slice(0, MAX_PATH_TEXT)}…`;
  }
  return text;
}

/** The error for a value the encoder refuses, naming where it sits: `session key "a.b": ...`. */
export function refuseAt(path: EncodePath, problem: string): SessionDataError {
  return new SessionDataError(path.length > 0 ? `session key ${JSON.stringify(describePath(path))}: ${problem}` : problem);
}

/**
 * Refuses, when writing, a key the decoder would refuse when reading: a value that could not be
 * read back is never written. A `__proto__` that `JSON.parse` made an own key (a request body, for
 * instance) is caught here too, instead of silently vanishing when copied.
 */
export function assertEncodableKey(key: string, path: EncodePath): void {
  if (FORBIDDEN_KEYS.has(key)) {
    throw refuseAt(path, `the key ${JSON.stringify(key)} is refused, as it could reach an object's prototype`);
  }
}
