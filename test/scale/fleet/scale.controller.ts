import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Session, SessionService } from '../../../lib';

/**
 * The routes of the scale app: log in (regenerate, then set the user), write a key, read the
 * session, regenerate, log out, log out everywhere. Each answer names the process that served it.
 */
@Controller()
export class ScaleController {
  constructor(@Inject(SessionService) private readonly sessions: SessionService) {}

  @Post('login/:user')
  @HttpCode(200)
  async login(@Session() session: Session, @Param('user') user: string) {
    await session.regenerate();
    session.set('uid', user);
    return { pid: process.pid };
  }

  @Post('write/:key')
  @HttpCode(200)
  write(@Session() session: Session, @Param('key') key: string, @Body() body: { value: string }) {
    session.set(key, body.value);
    return { pid: process.pid };
  }

  @Get('session')
  read(@Session() session: Session) {
    return { pid: process.pid, isNew: session.isNew, data: session.toJSON() };
  }

  @Post('regenerate')
  @HttpCode(200)
  async regenerate(@Session() session: Session) {
    await session.regenerate();
    return { pid: process.pid };
  }

  @Post('logout')
  @HttpCode(200)
  async logout(@Session() session: Session) {
    await session.destroy();
    return { pid: process.pid };
  }

  /** "Log out everywhere": every session of the current user, on whichever process made it. */
  @Post('logout-everywhere')
  @HttpCode(200)
  async logoutEverywhere(@Session() session: Session) {
    const user = session.get('uid');
    const destroyed = user === undefined ? 0 : await this.sessions.destroyUserSessions(String(user));
    return { pid: process.pid, destroyed };
  }

  @Get('health')
  health() {
    return { pid: process.pid };
  }
}
