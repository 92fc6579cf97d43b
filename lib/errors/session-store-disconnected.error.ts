import { SessionError } from './session.error';

/**
 * A store refused a call at once because the client it owns is between reconnection attempts
 * (`RedisSessionStore`: a client would otherwise queue the command until the server is back). The
 * module reports it like any store failure (503), within milliseconds instead of `storeTimeout`.
 */
export class SessionStoreDisconnectedError extends SessionError {
  readonly code = 'SESSION_STORE_DISCONNECTED';

  constructor(message: string) {
    super(`nest-session: ${message}`);
    this.name = 'SessionStoreDisconnectedError';
  }
}
