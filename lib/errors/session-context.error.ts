import { SessionError } from './session.error';

/** The session was used outside a request, or before the module was set up. */
export class SessionContextError extends SessionError {
  readonly code = 'SESSION_CONTEXT_MISSING';

  constructor(message: string) {
    super(`nest-session: ${message}`);
    this.name = 'SessionContextError';
  }
}
