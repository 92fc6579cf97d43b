/**
 * The values a session holds once encoded: what the codecs produce and what every store keeps.
 * Ground floor: codecs, stores and the session core all speak it, so it imports nothing.
 */

/** A value that survives `JSON.stringify` and `JSON.parse` unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Top-level session keys with their values in encoded (JSON-safe, tagged) form. */
export type StoredData = Record<string, JsonValue>;
