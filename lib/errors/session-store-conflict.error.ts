import { SessionError } from './session.error';

/**
 * A store kept losing a race it retries by design and gave up after its bound: `RedisSessionStore`
 * when the owner of a session (the user index entry) changed under every attempt of a save or a
 * touch. The module reports it like any store failure (503).
 */
export class SessionStoreConflictError extends SessionError {
  readonly code = 'SESSION_STORE_CONFLICT';

  constructor(message: string) {
    super(`nest-session: ${message}`);
    this.name = 'SessionStoreConflictError';
  }
}
