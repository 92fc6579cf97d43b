/** The readable cookie that hands a CSRF token to scripts (`fetch`, axios, Angular). */
export interface CsrfCookieOptions {
  /** Cookie name; axios and Angular read `XSRF-TOKEN` by default. @default 'XSRF-TOKEN' */
  name?: string;
}

/**
 * CSRF protection bound to the session (the `csrf` option of `SessionModule.forRoot()`).
 * Each session gets a random secret on first use; `session.csrfToken()` hands out tokens derived
 * from it, masked afresh each time (BREACH), and every request with an unsafe method must send one
 * back in a form field or a header. The secret is replaced on `regenerate()` (login) and
 * `destroy()` (logout), so a token captured before login is worthless after it.
 */
export interface CsrfOptions {
  /**
   * Check every request whose method is not GET, HEAD, OPTIONS or TRACE, on every route (routes
   * opt out with `@SkipCsrf()`). `false` checks only routes guarded with `@UseGuards(CsrfGuard)`.
   * @default true
   */
  global?: boolean;
  /** Form field (urlencoded or JSON body) that carries the token; Flask-WTF's name. @default 'csrf_token' */
  fieldName?: string;
  /**
   * Request headers that carry the token, lowercase, tried in order: the common spelling,
   * Flask-WTF's and the one axios and Angular send.
   * @default ['x-csrf-token', 'x-csrftoken', 'x-xsrf-token']
   */
  headerNames?: string[];
  /**
   * Oldest token accepted, in milliseconds since it was issued (Flask-WTF's `WTF_CSRF_TIME_LIMIT`).
   * Ages are counted in whole seconds, as itsdangerous does. `0`: a token is good as long as its
   * session's secret is.
   * @default 0
   */
  maxAge?: number;
  /**
   * Opt-in: on every response of a request that opened the session, send a fresh token in a cookie
   * scripts can read (not HttpOnly; same Path, Domain, Secure and SameSite as the session cookie).
   * `true` uses the name `XSRF-TOKEN`.
   * @default false
   */
  cookie?: boolean | CsrfCookieOptions;
  /**
   * Opt-in: on every response of a request that opened the session, send a fresh token in this
   * response header (`true`: `X-CSRF-Token`). Cross-origin callers also need it listed in
   * `Access-Control-Expose-Headers`.
   * @default false
   */
  header?: boolean | string;
}
