import type { SessionStore } from '../contract/session-store';
import type { CsrfOptions } from './csrf-options.interface';
import type { SessionDevicesOptions } from './devices-options.interface';
import type { SessionMetrics } from './session-metrics.interface';

/** Attributes of the session cookie (Flask's `SESSION_COOKIE_*` settings). */
export interface SessionCookieOptions {
  /**
   * Cookie name. A `__Host-` name requires `secure: true` (or `'auto'` behind HTTPS), `path: '/'`
   * and no `domain`; a `__Secure-` name requires `secure`. Prefixes count in any case (`__host-`).
   * @default 'session'
   */
  name?: string;
  /**
   * Cookie domain; leave unset to scope the cookie to the exact host. A bare host name such as
   * `'example.com'` (it covers subdomains): a scheme, port or path, a single label (`'com'`,
   * `'localhost'`) or a common public suffix (`'co.uk'`) is refused at startup.
   * @default undefined
   */
  domain?: string;
  /** Cookie path. @default '/' */
  path?: string;
  /** Hide the cookie from `document.cookie`. Turning it off is refused. @default true */
  httpOnly?: boolean;
  /**
   * Send the cookie over HTTPS only. `'auto'` sets Secure when the request came over HTTPS, as
   * the platform sees it (Express `trust proxy`, Fastify `trustProxy`). A cookie that needs Secure
   * (a `__Host-`/`__Secure-` name, `sameSite: 'none'`, `partitioned`) is then neither sent nor
   * saved on a plain-HTTP request, and the log says why.
   * @default false
   */
  secure?: boolean | 'auto';
  /** SameSite attribute; `'none'` requires `secure`. @default 'lax' */
  sameSite?: 'lax' | 'strict' | 'none' | false;
  /** CHIPS `Partitioned` attribute; requires `secure`. @default false */
  partitioned?: boolean;
}

/** Wire format of the cookie store (ignored by server-side stores). */
export type CookieFormat = 'signed' | 'encrypted' | 'flask';

/** What to do when the session store fails or times out while reading. */
export type StoreErrorMode = 'fail' | 'empty';

/** Options of `SessionModule.forRoot()` and of the factory of `forRootAsync()`. */
export interface SessionModuleOptions {
  /**
   * Secret(s) that sign session cookies, each at least 32 characters. An array rotates keys: the
   * first signs, every one verifies, and cookies signed with an older one are re-signed.
   * Required.
   */
  secret: string | string[];
  /**
   * Where session data lives. Without a store the data travels in a signed cookie, as in Flask's
   * built-in session.
   * @default the cookie store
   */
  store?: SessionStore;
  /** Cookie attributes. */
  cookie?: SessionCookieOptions;
  /**
   * Whether new sessions are permanent (cookie with Expires = now + lifetime); each session can
   * change it through `session.permanent`. Non-permanent cookies end with the browser.
   * @default false
   */
  permanent?: boolean;
  /**
   * Lifetime in milliseconds: the Expires of permanent cookies, the maximum age of a cookie's
   * signed timestamp, and the TTL of server-side records (Flask's `PERMANENT_SESSION_LIFETIME`).
   * A fraction is rounded up to a whole millisecond.
   * @default 2678400000 (31 days)
   */
  lifetime?: number;
  /**
   * Re-send the cookie of a permanent session on every response that opened it, sliding its
   * expiry (Flask's `SESSION_REFRESH_EACH_REQUEST`).
   * @default true
   */
  refreshEachRequest?: boolean;
  /**
   * End a session after this many milliseconds without a request that uses it. Enforced on the
   * server, for every store. `0` turns it off.
   * @default 0
   */
  idleTimeout?: number;
  /**
   * End a session this many milliseconds after it was created (or regenerated), however active.
   * Enforced on the server, for every store and cookie format. With `cookieFormat: 'flask'` the
   * creation time travels in the session under the reserved key `_nest_created` (Unix seconds),
   * which Flask keeps like any other key. `0` turns it off.
   * @default 0
   */
  absoluteTimeout?: number;
  /** Wire format of the cookie store: `'signed'`, `'encrypted'` (AES-256-GCM) or `'flask'`. @default 'signed' */
  cookieFormat?: CookieFormat;
  /**
   * Time limit of one store call in milliseconds; a call that takes longer fails the request with
   * a 503 (or an empty session, see `onStoreError`).
   * @default 2000
   */
  storeTimeout?: number;
  /**
   * `'fail'` answers 503 when the store cannot be read; `'empty'` serves the request with an
   * empty session that is never written. Failed writes always answer 503.
   * @default 'fail'
   */
  onStoreError?: StoreErrorMode;
  /**
   * Largest encoded session a server-side store accepts, in bytes; a larger one fails with
   * `SessionTooLargeError`. The cookie store is capped at 4096 bytes per cookie.
   * @default 65536
   */
  maxSize?: number;
  /** Deepest nesting accepted in session data, when writing and when parsing. @default 32 */
  maxDepth?: number;
  /**
   * Carry the request's session in Node's AsyncLocalStorage, entered by the interceptor, so that
   * `SessionService.current()` works in the handler and every provider it calls (not in guards,
   * which run before interceptors: use `fromContext()` there). Opt-in: AsyncLocalStorage costs
   * every request some CPU (measured in bench/: about 35 µs on a trivial Fastify route on Node 20),
   * and `@Session()` and `SessionService.fromContext()` need none of it.
   * @default false
   */
  asyncContext?: boolean;
  /**
   * Expose the session as `req.session`, opened before the app's own middleware and plugins, with
   * express-session's and @fastify/session's interface, so Passport (`passport.session()`,
   * `req.logIn`, `req.logout`), @fastify/passport and Nest's own `@Session()` work unchanged.
   * Every request that carries a session cookie then reads its session up front (a visitor with
   * no cookie still costs no store call).
   * @default false
   */
  requestSession?: boolean;
  /**
   * Session key that holds the logged-in user's id. When set, the store keeps an index from user
   * to sessions, and `SessionService.destroyUserSessions()` can log a user out everywhere. Needs
   * a store that implements `findByUser`. The id is a string, a finite number or a bigint (`42n`,
   * `42` and `'42'` are one user), of any length and character, matched exactly; any other value
   * is refused with a `SessionDataError` when the session is saved.
   * @default undefined
   */
  userKey?: string;
  /**
   * CSRF protection bound to the session. `true` (or an object of {@link CsrfOptions}) checks every
   * request with an unsafe method (POST, PUT, PATCH, DELETE…) for a token from
   * `session.csrfToken()`, in the `csrf_token` form field or an `X-CSRF-Token` header, and answers
   * 403 without one; routes opt out with `@SkipCsrf()`. Off, `CsrfGuard` checks only the routes
   * that use it.
   * @default false
   */
  csrf?: boolean | CsrfOptions;
  /**
   * What each session of a logged-in user records for `SessionService.listDevices()` (with
   * `userKey` and a server-side store): creation and last-seen times always, the user agent and
   * the client address only when turned on. `false` turns off the extra last-seen renewals; the
   * creation time and the last save are kept by every store anyway.
   * @default { lastSeenInterval: 300000, userAgent: false, address: false, maxLength: 256 }
   */
  devices?: SessionDevicesOptions | false;
  /**
   * Most sessions one user may hold at once (needs `userKey`), enforced when a session gets its
   * user (login), under a lock on the user that every app process shares (`SessionStore.lockUser`:
   * every built-in store has one; a custom store without it is refused at startup). See `onLimit`
   * for what happens to the login over the limit, and docs/devices-and-limits.md.
   * @default undefined (no limit)
   */
  maxSessionsPerUser?: number;
  /**
   * At the limit: `'refuse'` fails the login with `SessionLimitError` (HTTP 409, nothing
   * written); `'evict-oldest'` ends the user's least recently seen sessions to make room.
   * @default 'refuse'
   */
  onLimit?: SessionLimitMode;
  /**
   * Receives counts and timings of session opens, saves, store calls and 503s (for example
   * `PromClientSessionMetrics`). Nothing is measured without it.
   * @default undefined
   */
  metrics?: SessionMetrics;
}

/** What a login over `maxSessionsPerUser` does. */
export type SessionLimitMode = 'refuse' | 'evict-oldest';
