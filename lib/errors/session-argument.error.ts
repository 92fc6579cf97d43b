import { markAsSessionError } from './session.error';

/**
 * A library function was given an argument it cannot use: `new FlaskUuid('not-a-uuid')`, or a
 * cookie name or value that would break the Set-Cookie header. A `TypeError`, as before this
 * family existed, and a `SessionError` by the library's mark.
 */
export class SessionArgumentError extends TypeError {
  readonly code = 'SESSION_ARGUMENT_INVALID';

  constructor(message: string) {
    super(`nest-session: ${message}`);
    this.name = 'SessionArgumentError';
  }
}

markAsSessionError(SessionArgumentError);
