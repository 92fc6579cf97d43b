import { markAsSessionError } from './session.error';

/**
 * A store was called with something that is not a session id (43 base64url characters). Ids reach
 * stores already validated and signed; stores check again before an id becomes a file name, a key
 * or a query value. A `RangeError`, as before this family existed, and a `SessionError` by the
 * library's mark.
 */
export class SessionIdError extends RangeError {
  readonly code = 'SESSION_ID_INVALID';

  constructor(
    /** The store that refused it. */
    readonly store: string,
  ) {
    super(`nest-session: ${store} refused a session id that is not 43 base64url characters`);
    this.name = 'SessionIdError';
  }
}

markAsSessionError(SessionIdError);
