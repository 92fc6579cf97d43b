import { SessionError } from './session.error';

/**
 * A store call reached its deadline (the `timeout` given to the store's `start()`) and the store
 * made sure it wrote nothing: the transaction was rolled back, the script refused to write, or
 * the file was not renamed into place. The module reports it like any store failure (503).
 */
export class SessionStoreTimeoutError extends SessionError {
  readonly code = 'SESSION_STORE_TIMEOUT';

  constructor(
    /** The store that gave up. */
    readonly store: string,
    /** The timeout it was given, in milliseconds. */
    readonly timeout: number,
  ) {
    super(`nest-session: ${store} gave up after ${timeout} ms and wrote nothing`);
    this.name = 'SessionStoreTimeoutError';
  }
}
