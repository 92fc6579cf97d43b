import { SessionError } from './session.error';

/**
 * `MemcachedSessionStore` retried one gets/CAS step `casAttempts` times and lost the race to
 * writers in other processes each time; nothing was written. The module reports it like any store
 * failure (503).
 */
export class CasRetriesExhaustedError extends SessionError {
  readonly code = 'SESSION_CAS_RETRIES_EXHAUSTED';

  constructor(
    /** The memcached key. */
    readonly key: string,
    /** How many attempts were made. */
    readonly attempts: number,
  ) {
    super(`nest-session: MemcachedSessionStore gave up on ${key} after ${attempts} CAS conflicts`);
    this.name = 'CasRetriesExhaustedError';
  }
}
