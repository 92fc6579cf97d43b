import { SessionError } from './session.error';

/**
 * The session would exceed the cookie cap or the `maxSize` option. Not an HttpException, like
 * `SessionDataError`: the client gets Nest's generic 500, the log gets sizes and the hint.
 */
export class SessionTooLargeError extends SessionError {
  readonly code = 'SESSION_TOO_LARGE';

  constructor(
    /** Bytes the session would take. */
    readonly size: number,
    /** The limit it would exceed. */
    readonly limit: number,
    hint: string,
  ) {
    super(`nest-session: the session is ${size} bytes, over the limit of ${limit}. ${hint}`);
    this.name = 'SessionTooLargeError';
  }
}
