import { createHmac, type KeyObject } from 'node:crypto';
import { deriveKeys, safeEqual } from '../utils/crypto';

/** A handle is an HMAC-SHA256, base64url: 43 characters. Anything else is refused unread. */
const HANDLE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Opaque handles of sessions for "your devices" pages. A session id is a bearer credential, so a
 * page that lists a user's sessions must never show it; it shows `HMAC(key, id)` instead, under a
 * key derived from the first secret for this purpose only. Knowing a handle gives nothing: it
 * cannot be inverted, and it only revokes a session when the server finds it among the sessions
 * of the user who asks.
 */
export class DeviceHandles {
  private readonly key: KeyObject;

  constructor(secrets: readonly string[], cookieName: string) {
    this.key = deriveKeys(secrets.slice(0, 1), 'device-handle', cookieName)[0];
  }

  of(id: string): string {
    return createHmac('sha256', this.key).update(id).digest('base64url');
  }

  /** True when `handle` is the handle of `id`, compared in constant time. */
  matches(handle: unknown, id: string): boolean {
    return typeof handle === 'string' && HANDLE.test(handle) && safeEqual(handle, this.of(id));
  }
}
