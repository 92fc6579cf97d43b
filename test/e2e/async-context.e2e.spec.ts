import { CanActivate, Controller, ExecutionContext, Get, Injectable, UseGuards } from '@nestjs/common';
import { Session, SessionModule, SessionService } from '../../lib';
import { Browser, createTestApp, PLATFORMS, SECRET, TestApp } from './app';

@Injectable()
class CountingGuard implements CanActivate {
  constructor(private readonly sessions: SessionService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const session = await this.sessions.fromContext(context);
    session.set('guarded', (session.get('guarded') ?? 0) + 1);
    return true;
  }
}

@Controller()
class ContextController {
  constructor(private readonly sessions: SessionService) {}

  @Get('count')
  @UseGuards(CountingGuard)
  count(@Session() session: Session) {
    return session.toJSON();
  }

  @Get('current')
  async current() {
    try {
      await this.sessions.current();
      return { ok: true };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }
}

describe.each(PLATFORMS)('with asyncContext off (the default) on %s', (platform) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET })], [ContextController], [CountingGuard]);
  });
  afterAll(() => app.close());

  it('still serves @Session() and guards through fromContext()', async () => {
    const browser = new Browser(app.url);
    expect((await browser.get('/count')).json).toEqual({ guarded: 1 });
    expect((await browser.get('/count')).json).toEqual({ guarded: 2 });
  });

  it('refuses current() with an error that says how to turn it on', async () => {
    expect((await new Browser(app.url).get('/current')).json.error).toMatch(/needs the asyncContext option/);
  });
});
