import { SessionError } from './session.error';

/**
 * A store call gave no answer within `storeTimeout` + 500 ms, the module's outer bound; the module
 * stops waiting and answers 503 (this error is the `reason` of that `SessionStoreUnavailableError`).
 * Unlike `SessionStoreTimeoutError`, the store did not confirm that it wrote nothing: stores bound
 * their calls themselves, and this bound only catches one that cannot answer at all.
 */
export class SessionStoreNoAnswerError extends SessionError {
  readonly code = 'SESSION_STORE_NO_ANSWER';

  constructor(
    /** The bound that passed, in milliseconds. */
    readonly bound: number,
  ) {
    super(`nest-session: no answer within ${bound} ms`);
    this.name = 'SessionStoreNoAnswerError';
  }
}
