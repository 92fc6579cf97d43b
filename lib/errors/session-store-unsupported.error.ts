import { SessionError } from './session.error';

/** A store was asked for something it does not do (the cookie store has no server state). */
export class SessionStoreUnsupportedError extends SessionError {
  readonly code = 'SESSION_STORE_UNSUPPORTED';

  constructor(message: string) {
    super(`nest-session: ${message}`);
    this.name = 'SessionStoreUnsupportedError';
  }
}
