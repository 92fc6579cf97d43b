import { Body, Controller, Get, Header, NotFoundException, Post, Redirect, UseFilters } from '@nestjs/common';
import { Session, SessionService } from 'nest-session';
import { LoginRequired, LoginRequiredFilter } from '../shop/login-required.filter';
import { devicesPage } from './devices.view';

type Form = Record<string, unknown>;

/** The user's sessions, from `SessionService`: list them, log one out, log out all the others. */
@Controller('devices')
@UseFilters(LoginRequiredFilter)
export class DevicesController {
  constructor(private readonly sessions: SessionService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async list(@Session() session: Session): Promise<string> {
    const user = requireUser(session);
    return devicesPage(user, await this.sessions.listDevices(session), session.getFlashedMessages({ withCategories: true }), session.csrfToken());
  }

  @Post('revoke')
  @Redirect('/devices', 303)
  async revoke(@Session() session: Session, @Body() form: Form = {}): Promise<void> {
    requireUser(session);
    // false for a handle that is garbage, another user's, or of a session that already ended.
    if (!(await this.sessions.revokeDevice(session, typeof form.handle === 'string' ? form.handle : ''))) {
      throw new NotFoundException('That device is not signed in to your account.');
    }
    session.flash('That device has been logged out.', 'info');
  }

  @Post('revoke-others')
  @Redirect('/devices', 303)
  async revokeOthers(@Session() session: Session): Promise<void> {
    requireUser(session);
    const count = await this.sessions.revokeOtherDevices(session);
    session.flash(`Logged out ${count} other device${count === 1 ? '' : 's'}.`, 'info');
  }
}

function requireUser(session: Session): string {
  const user: unknown = session.get('user');
  if (typeof user !== 'string') throw new LoginRequired();
  return user;
}
