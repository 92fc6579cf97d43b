import { serializeCookie } from '../utils/cookie';
import * as http from '../utils/http';
import type { ResolvedSessionOptions } from '../utils/resolve-options';
import type { CsrfTokens } from './csrf-tokens';
import type { SessionState } from './session-state';

/**
 * The opt-in delivery of a token to scripts: a readable cookie and/or a response header, with a
 * fresh mask on every response. Called before the session is saved, so a secret created here is
 * saved with it. The cookie shares the session cookie's scope and flags but not HttpOnly: a page
 * script must read it, and reading it grants nothing a cross-site page could use.
 */
export function exposeCsrfToken(options: ResolvedSessionOptions, tokens: CsrfTokens, state: SessionState, request: http.PlatformRequest, response: http.PlatformResponse): void {
  const { cookieName, headerName } = options.csrf;
  if ((!cookieName && !headerName) || http.headersSent(response)) return;
  const token = tokens.issue(state);
  if (headerName) http.setHeader(response, headerName, token, http.getHeader(response, headerName));
  if (cookieName) {
    const { cookie } = options;
    const header = serializeCookie(cookieName, token, {
      path: cookie.path,
      domain: cookie.domain,
      httpOnly: false,
      secure: cookie.secure === 'auto' ? http.isSecureRequest(request) : cookie.secure,
      sameSite: cookie.sameSite,
      partitioned: cookie.partitioned,
    });
    http.setCookieHeader(response, cookieName, header);
  }
}
