import { ForbiddenException, HttpStatus } from '@nestjs/common';
import { markAsSessionError } from './session.error';

/** Why a token was refused; stable strings, reported to `csrf.rejected` listeners. */
export type CsrfFailure = 'missing' | 'malformed' | 'no-secret' | 'mismatch' | 'expired';

/**
 * A request with an unsafe method carried no valid CSRF token for its session. It extends Nest's
 * `ForbiddenException`, so Nest answers 403 with the same short body whatever the reason
 * (`{"statusCode":403,"message":"invalid CSRF token"}`) and a probe learns nothing; the reason is
 * on `reason` and in the `csrf.rejected` event. It carries the library's mark, so
 * `instanceof SessionError` holds too.
 */
export class CsrfRejectedError extends ForbiddenException {
  readonly code = 'SESSION_CSRF_REJECTED';

  constructor(
    /** Why: `missing`, `malformed`, `no-secret`, `mismatch` or `expired`. */
    readonly reason: CsrfFailure,
  ) {
    super({ statusCode: HttpStatus.FORBIDDEN, message: 'invalid CSRF token' });
    this.name = 'CsrfRejectedError';
  }
}

markAsSessionError(CsrfRejectedError);
