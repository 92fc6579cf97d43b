import { SessionError } from './session.error';

/**
 * The response left before the session cookie could be set (a handler that used `@Res()` and
 * sent the response itself). The module logs it with the request's method and URL; the session's
 * changes that needed the cookie are lost.
 */
export class LateCookieError extends SessionError {
  readonly code = 'SESSION_COOKIE_TOO_LATE';

  constructor() {
    super(
      'nest-session: the response was sent before the session could set its cookie. In handlers that send the response themselves (@Res()), call `await session.save()` before sending, or use @Res({ passthrough: true }).',
    );
    this.name = 'LateCookieError';
  }
}
