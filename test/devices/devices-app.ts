import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { Session, SessionService } from '../../lib';
import type { Browser } from '../e2e/app';
import { STORE_TARGETS } from '../stores/harnesses/registry';

const SIGNED_ID = /^([A-Za-z0-9_-]{43})\.[A-Za-z0-9_-]{43}$/;

/** The session id behind a browser's cookie (what the server must never show). */
export const idOf = (browser: Browser): string | undefined => SIGNED_ID.exec(browser.jar.get('session') ?? '')?.[1];

/** The server stores with a user index, on the backends the devices and limits specs cover (no Cluster/Sentinel). */
export const INDEXED_TARGETS = STORE_TARGETS.filter((target) => !['redis-cluster', 'redis-sentinel'].includes(target.name));

/** A "your devices" API as an app would write it, over SessionService. */
@Controller()
export class DevicesController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login')
  @HttpCode(200)
  async login(@Session() session: Session, @Body() body: { user: string }) {
    session.clear();
    await session.regenerate();
    session.set('user', body.user);
    return { ok: true };
  }

  @Post('logout')
  @HttpCode(200)
  async logout(@Session() session: Session) {
    await session.destroy();
    return { ok: true };
  }

  @Get('whoami')
  whoami(@Session() session: Session) {
    return { user: session.get('user') ?? null, keys: session.keys() };
  }

  @Post('touch-cart')
  @HttpCode(200)
  cart(@Session() session: Session) {
    session.set('cart', (session.get('cart', 0) as number) + 1);
    return { ok: true };
  }

  @Get('devices')
  async devices(@Session() session: Session) {
    return this.sessions.listDevices(session);
  }

  @Post('devices/revoke')
  @HttpCode(200)
  async revoke(@Session() session: Session, @Body() body: { handle: unknown }) {
    return { revoked: await this.sessions.revokeDevice(session, body.handle as string) };
  }

  @Post('devices/revoke-others')
  @HttpCode(200)
  async revokeOthers(@Session() session: Session) {
    return { revoked: await this.sessions.revokeOtherDevices(session) };
  }
}
