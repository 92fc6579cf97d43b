import type { ValueCodec } from '../codecs/codec.interface';
import type { StoredData } from '../contract/json-value';
import { PERMANENT_KEY } from '../contract/session-keys';
import { SessionEvents } from '../events/session-events';
import type * as http from '../utils/http';
import type { ResolvedSessionOptions } from '../utils/resolve-options';
import { CsrfTokens } from './csrf-tokens';
import { SessionCookie } from './session-cookie';
import { SessionLifetime } from './session-lifetime';
import { SessionState } from './session-state';

/** A session as it was opened for one request. */
export interface OpenedSession {
  state: SessionState;
  /** Read failed and `onStoreError` is 'empty': serve it, never write it. */
  detached: boolean;
  /** The request carried a cookie of our name (valid or not). */
  cookieSent: boolean;
  /** The cookie verified with an older secret: send it again, signed with the current one. */
  resign: boolean;
  /**
   * Server kind: the signed id as the request sent it, when it verified with the current secret.
   * Signing is deterministic, so sending this id's cookie again needs no new HMAC.
   */
  signedId?: { id: string; value: string };
  /** The request brought a session that had expired (lifetime or timeouts): it was ended and a fresh one opened. */
  expired?: { id: string | null; userId?: string };
}

/**
 * Flask's `SessionInterface`: how a session is opened from a request and saved to a response.
 * One implementation per kind — the signed cookie ({@link CookieSessionInterface}) and the
 * server-side store ({@link ServerSessionInterface}) — so nothing on the request path asks which
 * kind it has. Calls only go down from here, to the codec or the store; the state it is handed
 * is data, not a controller.
 *
 * It is also the module's injection token (as `Cache` is in `@nestjs/cache-manager`): the
 * interceptor, guards, `SessionService` and the health check receive the one instance the
 * options chose, with the CSRF tokens and the events every request of the application shares.
 */
export abstract class SessionInterface {
  /** Issues and checks the sessions' CSRF tokens (keyed by the module's secrets). */
  readonly csrf: CsrfTokens;
  /** Session events; costs a property read per event when nobody listens. */
  readonly events = new SessionEvents();
  protected readonly cookie: SessionCookie;
  protected readonly lifetime: SessionLifetime;

  constructor(
    readonly options: ResolvedSessionOptions,
    /** Encodes each session value for the cookie or the store. */
    protected readonly values: ValueCodec,
  ) {
    this.csrf = new CsrfTokens(options.secrets, options.cookie.name, options.csrf.maxAge);
    this.cookie = new SessionCookie(options);
    this.lifetime = new SessionLifetime(options);
  }

  /** Flask's `open_session`: a verified session from the request, or a fresh empty one. */
  abstract open(request: http.PlatformRequest): Promise<OpenedSession>;

  /**
   * Flask's `save_session`: writes what changed and sets, refreshes or deletes the cookie.
   * Does nothing for a session that was never changed and needs no refresh. A response whose
   * content depended on the session gets `Vary: Cookie` (Flask CVE-2023-30861), once: with the
   * cookie when one is written, else here, also when the save fails.
   */
  async save(opened: OpenedSession, request: http.PlatformRequest, response: http.PlatformResponse): Promise<void> {
    let cookieWritten = false;
    try {
      // A cookie the browser would drop (see SessionCookie.sendable): saving would store a
      // session nobody can come back to.
      if (!this.cookie.sendable(request)) return;
      cookieWritten = await this.persist(opened, request, response);
    } finally {
      if (!cookieWritten && opened.state.accessed) this.cookie.vary(response);
    }
  }

  /**
   * What `save` does for this kind: stores what changed (in the cookie or the store) and decides
   * the cookie. Returns `true` when it wrote a Set-Cookie header (which carries `Vary: Cookie`).
   */
  protected abstract persist(opened: OpenedSession, request: http.PlatformRequest, response: http.PlatformResponse): Promise<boolean>;

  /** Keeps the data under a new identity and ends the old one (fixation defence on login). */
  abstract regenerate(state: SessionState): Promise<void>;

  /** Ends the session now (logout); the request goes on with a fresh, empty one. */
  abstract destroy(state: SessionState): Promise<void>;

  /** Called once at startup; server stores check their schema and take their time bounds. */
  async start(): Promise<void> {
    // Nothing to start by default: the cookie kind has no store.
  }

  /** Called on application shutdown. */
  async close(): Promise<void> {
    // Nothing to close by default.
  }

  /** A new, empty session (permanent when the `permanent` option says so). */
  protected fresh(id: string | null, now: number): SessionState {
    return new SessionState({ id, isNew: true, createdAt: now, touchedAt: now }, this.defaultData(), this.values);
  }

  protected defaultData(): StoredData {
    return this.options.permanent ? { [PERMANENT_KEY]: true } : {};
  }
}
