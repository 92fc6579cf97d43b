import { SessionError } from './session.error';

/** Invalid module or store options; thrown at startup with what to change. */
export class SessionOptionsError extends SessionError {
  readonly code = 'SESSION_OPTIONS_INVALID';

  constructor(message: string) {
    super(`nest-session: ${message}`);
    this.name = 'SessionOptionsError';
  }
}
