import { serializeCookie, serializeDeletion, type CookieAttributes } from '../utils/cookie';
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
  constructor(private readonly options: CookieOptions) {}

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
