import type { CookieCodec } from '../codecs/codec.interface';
import { LateCookieError, SessionTooLargeError } from '../errors';
import * as http from '../utils/http';
import type { ResolvedSessionOptions } from '../utils/resolve-options';
import { SessionInterface, type OpenedSession } from './session-interface';
import { hasChanges, SessionState } from './session-state';

/** Browsers keep at most 4096 bytes of name and value per cookie. */
const COOKIE_LIMIT = 4096;

/**
 * Flask's `SecureCookieSessionInterface`: the data travels in the signed (or encrypted) cookie
 * and the server keeps nothing, so there is no id, no store and nothing to destroy but the cookie.
 * Limits: a browser keeps at most 4096 bytes per cookie, and a destroyed cookie stays valid until
 * it expires for whoever kept a copy ("log out everywhere" needs a server-side store).
 */
export class CookieSessionInterface extends SessionInterface {
  constructor(
    options: ResolvedSessionOptions,
    private readonly codec: CookieCodec,
  ) {
    super(options, codec.values);
  }

  async open(request: http.PlatformRequest): Promise<OpenedSession> {
    const now = Date.now();
    const cookies = this.cookie.values(request);
    let expired: OpenedSession['expired'];
    for (const value of cookies) {
      const decoded = this.codec.decode(value);
      if (!decoded) continue;
      if (!this.lifetime.alive(decoded.createdAt, decoded.issuedAt, now)) {
        // Signed by us, so it was a real session once: worth an expired event, never a session.
        expired ??= { id: null };
        continue;
      }
      if (!this.decodable(decoded.data)) continue;
      const state = new SessionState({ id: null, isNew: false, createdAt: decoded.createdAt, touchedAt: decoded.issuedAt }, decoded.data, this.values);
      return { state, cookieSent: true, resign: decoded.keyIndex > 0, detached: false };
    }
    return { state: this.fresh(null, now), cookieSent: cookies.length > 0, resign: false, detached: false, expired };
  }

  protected async persist(opened: OpenedSession, request: http.PlatformRequest, response: http.PlatformResponse): Promise<boolean> {
    const { state } = opened;
    const now = Date.now();
    const snapshot = state.snapshot();
    const modified = state.forceSave || hasChanges(snapshot);
    if (state.isEmpty()) return opened.cookieSent && (modified || state.destroyed) && this.cookie.remove(request, response);
    const permanent = state.permanent;
    const refresh = permanent && this.options.refreshEachRequest;
    const due = modified || state.regenerated || state.origin.isNew || refresh || opened.resign || this.lifetime.idleRefreshDue(state.origin.touchedAt, now);
    if (!due) return false;
    // The cookie is the only copy of this session: with the response gone, nothing can be saved.
    if (http.headersSent(response)) throw new LateCookieError();
    const value = this.codec.encode({ data: snapshot.data, createdAt: state.origin.createdAt }, now);
    const size = this.options.cookie.name.length + 1 + value.length;
    if (size > COOKIE_LIMIT) {
      throw new SessionTooLargeError(size, COOKIE_LIMIT, 'Browsers drop larger cookies: keep less in the session or configure a server-side store.');
    }
    state.markSaved(snapshot, now);
    opened.resign = false;
    this.options.metrics?.saved?.({ kind: 'cookie' });
    return this.cookie.set(request, response, value, permanent, now);
  }

  /** A cookie session has no id to change: the next cookie is a new one, with a new creation time. */
  async regenerate(state: SessionState): Promise<void> {
    state.renew(null, Date.now());
  }

  async destroy(state: SessionState): Promise<void> {
    state.reset(null, Date.now(), this.defaultData());
    state.destroyed = true;
  }

  /**
   * A cookie's data came from the client: signed, but parsed only now. Every value is decoded once
   * up front, so a refused key, a bad tag or data nested too deep yields a fresh session here
   * instead of an error later in the handler.
   */
  private decodable(data: Record<string, unknown>): boolean {
    try {
      for (const key of Object.keys(data)) this.values.decode(data[key] as never);
      return true;
    } catch {
      return false;
    }
  }
}
