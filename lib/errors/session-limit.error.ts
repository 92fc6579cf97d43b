import { ConflictException, HttpStatus } from '@nestjs/common';
import { markAsSessionError } from './session.error';

/**
 * A login was refused: the user already holds `maxSessionsPerUser` sessions and `onLimit` is
 * `'refuse'`. Nothing was written: the session keeps no user. Answered as 409 Conflict with a
 * message the client may show; an app that wants another answer catches it around
 * `await session.save()` in its login handler, or in an exception filter. It extends Nest's
 * `ConflictException` (so Nest answers 409) and carries the library's mark, so
 * `instanceof SessionError` holds too.
 */
export class SessionLimitError extends ConflictException {
  readonly code = 'SESSION_LIMIT';

  constructor(readonly limit: number) {
    super({
      statusCode: HttpStatus.CONFLICT,
      error: 'Conflict',
      message: `This account already has ${limit} active session${limit === 1 ? '' : 's'}, the most allowed. Log out on another device first.`,
    });
    this.name = 'SessionLimitError';
  }
}

markAsSessionError(SessionLimitError);
