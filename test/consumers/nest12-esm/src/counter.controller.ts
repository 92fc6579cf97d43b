import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { Session, SessionStoreUnavailableError } from 'nest-session';

@Controller()
export class CounterController {
  /** Counts the requests of this session: 1 on a fresh session, 2 on the next one. */
  @Get('counter')
  count(@Session() session: Session<{ count: number }>): { count: number } {
    const count = session.get('count', 0) + 1;
    session.set('count', count);
    return { count };
  }

  /** Empties the session: its cookie is deleted and its stored record removed. */
  @Post('logout')
  @HttpCode(204)
  logout(@Session() session: Session): void {
    session.clear();
  }

  /**
   * Throws the library's 503 error: the app's Nest answers 503 only if the library's
   * HttpException is the app's own class (one @nestjs/common, no instanceof surprise).
   */
  @Get('store-error')
  storeError(): never {
    throw new SessionStoreUnavailableError('probe');
  }
}
