import { CanActivate, Controller, ExecutionContext, Get, Injectable, Post, UseGuards } from '@nestjs/common';
import { Session, SessionService } from '../../lib';
import { Browser, createTestApp, PLATFORMS, TestApp } from './app';
import { COOKIE_AND_MEMORY_STORES } from './session-kinds';

/**
 * A lockout counter: every failed attempt must count, also the ones the guard denies. Guards run
 * before the interceptor, so a guard that denies saves explicitly before saying no.
 */
@Injectable()
class LockoutGuard implements CanActivate {
  constructor(private readonly sessions: SessionService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const session = await this.sessions.fromContext<{ attempts: number }>(context);
    const attempts = session.get('attempts', 0) + 1;
    session.set('attempts', attempts);
    if (attempts <= 2) return true;
    await session.save();
    return false;
  }
}

@Controller()
class LoginController {
  @Post('attempt')
  @UseGuards(LockoutGuard)
  attempt() {
    return { ok: true };
  }

  @Get('attempts')
  attempts(@Session('attempts') attempts?: number) {
    return { attempts: attempts ?? 0 };
  }
}

describe.each(PLATFORMS)('a guard that denies on %s', (platform) => {
  describe.each(COOKIE_AND_MEMORY_STORES)('%s', (name, module) => {
    let app: TestApp;
    beforeAll(async () => {
      app = await createTestApp(platform, [module()], [LoginController], [LockoutGuard]);
    });
    afterAll(() => app.close());

    it('keeps its writes when it calls session.save() before denying', async () => {
      const browser = new Browser(app.url);
      expect((await browser.post('/attempt')).status).toBe(201);
      expect((await browser.post('/attempt')).status).toBe(201);
      const denied = await browser.post('/attempt');
      expect(denied.status).toBe(403);
      // The cookie store's data is its cookie; a server-side session keeps the cookie it has.
      expect(denied.setCookies).toHaveLength(name === 'cookie store' ? 1 : 0);
      expect((await browser.post('/attempt')).status).toBe(403);
      expect((await browser.get('/attempts')).json).toEqual({ attempts: 4 });
    });
  });
});
