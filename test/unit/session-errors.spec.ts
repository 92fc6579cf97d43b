import { HttpException } from '@nestjs/common';
import { SessionDataError, SessionStoreUnavailableError, SessionTooLargeError } from '../../lib';

describe('error classes', () => {
  it('keeps data and size errors out of Nest HttpExceptions, so clients get the generic 500', () => {
    expect(new SessionDataError('x')).not.toBeInstanceOf(HttpException);
    expect(new SessionTooLargeError(5000, 4096, 'hint')).not.toBeInstanceOf(HttpException);
    expect(new SessionTooLargeError(5000, 4096, 'hint').message).toBe('nest-session: the session is 5000 bytes, over the limit of 4096. hint');
  });

  it('keeps the store outage a 503 with a message meant for clients', () => {
    expect(new SessionStoreUnavailableError('get').getStatus()).toBe(503);
  });
});
