import { Logger } from '@nestjs/common';
import { serializeCookie, serializeDeletion, type CookieAttributes } from '../utils/cookie';
import { secureRequirement } from '../utils/cookie-rules';
import * as http from '../utils/http';
import type { ResolvedSessionOptions } from '../utils/resolve-options';

type CookieOptions = Pick<ResolvedSessionOptions, 'cookie' | 'lifetime'>;

/**
 * Writes the session cookie of one response: sets or deletes it, always with `Vary: Cookie` and a
 * `Cache-Control` that keeps it out of shared caches (Flask CVE-2023-30861). Headers go through the
 * platform's own API; once the response has left, writing is skipped (the caller decides whether
 * that loses anything).
 */
export class SessionCookie {
  private readonly logger = new Logger('SessionModule');
  /** Why the cookie needs `Secure` (a prefix, SameSite=None, Partitioned), if it does. */
  private readonly needsSecure: string | undefined;
  private warnedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: CookieOptions) {
    this.needsSecure = secureRequirement(options.cookie);
  }

  /**
   * False when the cookie cannot be sent on this response: with `secure: 'auto'`, a request seen
   * as plain HTTP gets no Secure flag, and a cookie that needs it would be dropped by the browser
   * (the login would silently never stick). Nothing is saved then, and the log says why, at most
   * once a minute: usually the app runs behind a TLS proxy it does not trust.
   */
  sendable(request: http.PlatformRequest): boolean {
    if (this.options.cookie.secure !== 'auto' || !this.needsSecure || http.isSecureRequest(request)) return true;
    const now = Date.now();
    if (now - this.warnedAt >= 60_000) {
      this.warnedAt = now;
      this.logger.warn(
        `the session cookie "${this.options.cookie.name}" needs Secure because ${this.needsSecure}, and with cookie.secure 'auto' a request seen as plain HTTP gets no Secure flag, so the cookie is not sent and the session is not saved. Serve over HTTPS; behind a TLS-terminating proxy, trust it so the request is seen as HTTPS (Express: app.set('trust proxy', 1); Fastify: new FastifyAdapter({ trustProxy: true })).`,
      );
    }
    return false;
  }

  /**
   * Sets the cookie; a permanent session's cookie gets Expires and Max-Age = now + lifetime.
   * Returns `true`; `false` when the response had already left.
   */
  set(request: http.PlatformRequest, response: http.PlatformResponse, value: string, permanent: boolean, now: number): boolean {
    const { lifetime } = this.options;
    const attributes = this.attributes(request, permanent ? new Date(now + lifetime) : undefined);
    if (permanent) attributes.maxAge = Math.floor(lifetime / 1000);
    return this.write(response, serializeCookie(this.options.cookie.name, value, attributes));
  }

  /** Deletes the cookie with the same Path, Domain and flags it was set with; `false` when too late. */
  remove(request: http.PlatformRequest, response: http.PlatformResponse): boolean {
    return this.write(response, serializeDeletion(this.options.cookie.name, this.attributes(request)));
  }

  /** Marks a response whose content depended on the session (a response that sets the cookie already is). */
  vary(response: http.PlatformResponse): void {
    if (!http.headersSent(response)) http.varyOnCookie(response);
  }

  /** Every value of our cookie the request carried (a few at most; see readCookies). */
  values(request: http.PlatformRequest): string[] {
    return http.requestCookies(request, this.options.cookie.name);
  }

  private attributes(request: http.PlatformRequest, expires?: Date): CookieAttributes {
    const { cookie } = this.options;
    return {
      path: cookie.path,
      domain: cookie.domain,
      expires,
      httpOnly: true,
      secure: cookie.secure === 'auto' ? http.isSecureRequest(request) : cookie.secure,
      sameSite: cookie.sameSite,
      partitioned: cookie.partitioned,
    };
  }

  /** The one pass over the response's headers of a save that writes the cookie. */
  private write(response: http.PlatformResponse, header: string): boolean {
    if (http.headersSent(response)) return false;
    http.setCookieHeader(response, this.options.cookie.name, header);
    http.varyOnCookie(response);
    http.keepOutOfSharedCaches(response);
    return true;
  }
}
