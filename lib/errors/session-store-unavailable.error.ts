import { HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { markAsSessionError } from './session.error';

/**
 * The session store failed or did not answer within `storeTimeout`. It extends Nest's
 * `ServiceUnavailableException`, so Nest's exception layer answers 503 with a JSON body and
 * clients never see a stack trace; it carries the library's mark, so `instanceof SessionError`
 * holds too. The store's own error is `reason` (logged, never sent).
 */
export class SessionStoreUnavailableError extends ServiceUnavailableException {
  readonly code = 'SESSION_STORE_UNAVAILABLE';

  constructor(
    /** The store call that failed: `get`, `save`, `touch`, `destroy` or `findByUser`. */
    readonly operation: string,
    /** What the store threw, or why the module gave up on it. */
    readonly reason?: unknown,
  ) {
    super({
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      error: 'Service Unavailable',
      message: 'The session store is unavailable; try again shortly.',
    });
    this.name = 'SessionStoreUnavailableError';
  }
}

markAsSessionError(SessionStoreUnavailableError);
