import type { CookieCodec } from '../codecs/codec.interface';
import { SessionStoreUnsupportedError } from '../errors/session.errors';
import type { SaveOutcome, SessionRecord } from './session-store';
import { SessionStore } from './session-store';

/**
 * Flask's built-in session: the data travels in the signed (or encrypted) cookie and the server
 * keeps nothing. It is the default when no `store` is configured, and what `SessionStore`
 * resolves to then. It has no ids, so the server-side operations are refused with an error that
 * says so; the session itself is read and written by the interceptor through `codec`.
 *
 * Limits: a browser keeps at most 4096 bytes per cookie, a destroyed cookie stays valid until it
 * expires if someone kept a copy, and "log out everywhere" needs a server-side store.
 */
export class CookieSessionStore extends SessionStore {
  constructor(readonly codec: CookieCodec) {
    super();
  }

  get(): Promise<SessionRecord | null> {
    return this.refuse('get');
  }
  save(): Promise<SaveOutcome> {
    return this.refuse('save');
  }
  touch(): Promise<boolean> {
    return this.refuse('touch');
  }
  destroy(): Promise<void> {
    return this.refuse('destroy');
  }

  private refuse(operation: string): Promise<never> {
    return Promise.reject(
      new SessionStoreUnsupportedError(`the cookie store keeps no server-side state, so ${operation}() by id is impossible; configure a server-side store for that.`),
    );
  }
}
