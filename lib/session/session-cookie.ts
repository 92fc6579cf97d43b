import { serializeCookie, serializeDeletion, type CookieAttributes } from '../utils/cookie';
import * as http from '../utils/http';

/** What the cookie writer needs from the manager: the options and the attributes of this request. */
export interface CookieSettings {
  readonly options: { readonly lifetime: number; readonly cookie: { readonly name: string } };
  cookieAttributes(request: http.PlatformRequest, expires?: Date): CookieAttributes;
}

/** Sets or deletes the session cookie with Vary and Cache-Control, once the response allows it. */
export class CookieWriter {
  constructor(
    private readonly manager: CookieSettings,
    private readonly request: http.PlatformRequest,
    private readonly response: http.PlatformResponse,
    accessed: boolean,
  ) {
    if (accessed && !http.headersSent(response)) http.varyOnCookie(response);
  }

  set(value: string, permanent: boolean, now: number): void {
    const { lifetime } = this.manager.options;
    const attributes = this.manager.cookieAttributes(this.request, permanent ? new Date(now + lifetime) : undefined);
    if (permanent) attributes.maxAge = Math.floor(lifetime / 1000);
    this.write(serializeCookie(this.manager.options.cookie.name, value, attributes));
  }

  remove(): void {
    this.write(serializeDeletion(this.manager.options.cookie.name, this.manager.cookieAttributes(this.request)));
  }

  /** An existing server-side session is saved even when the response already left; only the refresh is lost then. */
  private write(header: string): void {
    if (http.headersSent(this.response)) return;
    http.setCookieHeader(this.response, this.manager.options.cookie.name, header);
    http.varyOnCookie(this.response);
    http.keepOutOfSharedCaches(this.response);
  }
}

/** The response left before the session cookie could be set (a handler that used `@Res()`). */
export class LateCookieError extends Error {
  constructor() {
    super(
      'nest-session: the response was sent before the session could set its cookie. In handlers that send the response themselves (@Res()), call `await session.save()` before sending, or use @Res({ passthrough: true }).',
    );
    this.name = 'LateCookieError';
  }
}
