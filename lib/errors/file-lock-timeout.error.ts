import { SessionError } from './session.error';

/**
 * `FileSessionStore` waited `lockTimeout` (or until the call's deadline) for a session's lock file
 * and did not get it, so it wrote nothing. The module reports it like any store failure (503).
 */
export class FileLockTimeoutError extends SessionError {
  readonly code = 'SESSION_FILE_LOCK_TIMEOUT';

  constructor(
    /** The lock file. */
    readonly path: string,
    /** How long the store waited, in milliseconds. */
    readonly timeoutMs: number,
  ) {
    super(`nest-session: FileSessionStore could not lock ${path} within ${timeoutMs} ms`);
    this.name = 'FileLockTimeoutError';
  }
}
