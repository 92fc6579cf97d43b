import { createCipheriv, createDecipheriv, createHmac, randomBytes, type KeyObject } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { JsonValue, StoredData } from '../contract/json-value';
import { DEFAULT_COOKIE_NAME, deriveKeys, safeEqual } from '../utils/crypto';
import type { CookieCodec, CookiePayload, DecodedCookie } from './codec.interface';
import { assertSafeKey, TaggedJsonCodec } from './tagged-json.codec';

/**
 * The cookie store's own format, shaped like Flask's so it is easy to reason about, but with
 * HMAC-SHA256 and a key derived per purpose and cookie name:
 *
 *     [.]base64url(payload) "." base64url(issued-at seconds) "." base64url(HMAC-SHA256)
 *
 * `payload` is `{"c": created-at seconds, "d": {...data}}`; a leading `.` marks a raw-deflated
 * payload (used only when it is shorter), and the signature covers it. The data stays readable
 * by the client: use {@link EncryptedCookieCodec} when it must not be.
 */
export class SignedCookieCodec implements CookieCodec {
  readonly values: TaggedJsonCodec;
  private readonly keys: KeyObject[];

  /** `cookieName` is bound into the key: a cookie signed for another name never verifies. */
  constructor(secrets: readonly string[], maxDepth = 32, cookieName: string = DEFAULT_COOKIE_NAME) {
    this.values = new TaggedJsonCodec(maxDepth);
    this.keys = deriveKeys(secrets, 'cookie-signature', cookieName);
  }

  encode(payload: CookiePayload, issuedAt: number): string {
    const json = Buffer.from(serializePayload(payload));
    const deflated = deflateRawSync(json);
    const body = deflated.length + 1 < json.length ? `.${deflated.toString('base64url')}` : json.toString('base64url');
    const signed = `${body}.${encodeSeconds(issuedAt)}`;
    return `${signed}.${sign(this.keys[0], signed)}`;
  }

  decode(value: string): DecodedCookie | null {
    const last = value.lastIndexOf('.');
    if (last <= 0) return null;
    const signed = value.slice(0, last);
    const signature = value.slice(last + 1);
    const keyIndex = this.keys.findIndex((key) => safeEqual(signature, sign(key, signed)));
    if (keyIndex < 0) return null;
    const middle = signed.lastIndexOf('.');
    if (middle <= 0) return null;
    const issuedAt = decodeSeconds(signed.slice(middle + 1));
    let body = signed.slice(0, middle);
    const compressed = body.startsWith('.');
    if (compressed) body = body.slice(1);
    try {
      const raw = Buffer.from(body, 'base64url');
      const json = compressed ? inflateRawSync(raw, { maxOutputLength: 64 * 1024 }) : raw;
      const payload = parsePayload(json.toString('utf8'));
      return payload && issuedAt !== null ? { ...payload, issuedAt, keyIndex } : null;
    } catch {
      return null;
    }
  }
}

/**
 * Authenticated encryption (AES-256-GCM) of the same payload: the client can neither read nor
 * change the data. The cookie is `base64url(iv | ciphertext | tag)`, the issue time inside.
 */
export class EncryptedCookieCodec implements CookieCodec {
  readonly values: TaggedJsonCodec;
  private readonly keys: KeyObject[];

  /** `cookieName` is bound into the key: a cookie encrypted for another name never opens. */
  constructor(secrets: readonly string[], maxDepth = 32, cookieName: string = DEFAULT_COOKIE_NAME) {
    this.values = new TaggedJsonCodec(maxDepth);
    this.keys = deriveKeys(secrets, 'cookie-encryption', cookieName);
  }

  encode(payload: CookiePayload, issuedAt: number): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0], iv);
    const plain = Buffer.from(serializePayload(payload, issuedAt));
    const encrypted = Buffer.concat([cipher.update(deflateRawSync(plain)), cipher.final()]);
    return Buffer.concat([iv, encrypted, cipher.getAuthTag()]).toString('base64url');
  }

  decode(value: string): DecodedCookie | null {
    if (!/^[A-Za-z0-9_-]{40,}$/.test(value)) return null;
    const raw = Buffer.from(value, 'base64url');
    // Only the canonical encoding is accepted: base64's spare bits must not make a second valid value.
    if (raw.toString('base64url') !== value) return null;
    const iv = raw.subarray(0, 12);
    const tag = raw.subarray(raw.length - 16);
    const encrypted = raw.subarray(12, raw.length - 16);
    for (let keyIndex = 0; keyIndex < this.keys.length; keyIndex++) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', this.keys[keyIndex], iv);
        decipher.setAuthTag(tag);
        const plain = inflateRawSync(Buffer.concat([decipher.update(encrypted), decipher.final()]), {
          maxOutputLength: 64 * 1024,
        });
        const payload = parsePayload(plain.toString('utf8'));
        const issuedAt = payload?.issuedAt;
        return payload && typeof issuedAt === 'number' ? { data: payload.data, createdAt: payload.createdAt, issuedAt, keyIndex } : null;
      } catch {
        // Wrong key or tampered data: try the next secret.
      }
    }
    return null;
  }
}

function sign(key: KeyObject, text: string): string {
  return createHmac('sha256', key).update(text).digest('base64url');
}

function serializePayload(payload: CookiePayload, issuedAt?: number): string {
  const body: Record<string, JsonValue> = { c: Math.floor(payload.createdAt / 1000), d: payload.data };
  if (issuedAt !== undefined) body.i = Math.floor(issuedAt / 1000);
  return JSON.stringify(body);
}

/** Parses a verified payload; anything not of the expected shape is refused. */
function parsePayload(json: string): (CookiePayload & { issuedAt?: number }) | null {
  const parsed: unknown = JSON.parse(json);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const { c, d, i } = parsed as Record<string, unknown>;
  if (typeof c !== 'number' || d === null || typeof d !== 'object' || Array.isArray(d)) return null;
  for (const key of Object.keys(d)) assertSafeKey(key);
  return {
    data: d as StoredData,
    createdAt: c * 1000,
    issuedAt: typeof i === 'number' ? i * 1000 : undefined,
  };
}

/** Unix seconds as big-endian bytes without leading zeros (Flask's compact timestamp). */
export function encodeSeconds(epochMs: number): string {
  let seconds = Math.floor(epochMs / 1000);
  const bytes: number[] = [];
  do {
    bytes.unshift(seconds & 0xff);
    seconds = Math.floor(seconds / 256);
  } while (seconds > 0);
  return Buffer.from(bytes).toString('base64url');
}

export function decodeSeconds(text: string): number | null {
  if (!/^[A-Za-z0-9_-]{1,11}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length === 0 || bytes.length > 6) return null;
  let seconds = 0;
  for (const byte of bytes) seconds = seconds * 256 + byte;
  return seconds * 1000;
}
