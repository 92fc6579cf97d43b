import { Controller, DynamicModule, Get, INestApplication, type LoggerService, Module, Post } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { MemorySessionStore, Session, SessionModule, type SessionModuleOptions } from '../../lib';
import { Browser, cookieAttributes, createTestApp, type Platform, PLATFORMS, SECRET } from './app';

/**
 * Issue 21, finding 7: cookies that browsers drop were sent or accepted. Options no browser would
 * keep must stop the app at startup, naming the option and the fix; with `secure: 'auto'`, a plain
 * HTTP request must not get a cookie that needs Secure, and the log must say why.
 */
@Controller()
class LoginController {
  @Post('login')
  login(@Session() session: Session) {
    session.set('uid', 'ada');
    return { ok: true };
  }

  @Get('me')
  me(@Session() session: Session) {
    return { uid: session.get('uid') ?? null };
  }
}

/** The app's log, as an operator would read it. */
class CapturedLog implements LoggerService {
  readonly warnings: string[] = [];
  log(): void {}
  error(): void {}
  warn(message: unknown): void {
    this.warnings.push(String(message));
  }
}

async function createApp(platform: Platform, module: DynamicModule, trustProxy: boolean, logger = new CapturedLog()): Promise<INestApplication> {
  @Module({ imports: [module], controllers: [LoginController] })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = platform === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter({ trustProxy }), { logger }) : moduleRef.createNestApplication({ logger });
  if (platform === 'express' && trustProxy) app.getHttpAdapter().getInstance().set('trust proxy', true);
  await app.listen(0, '127.0.0.1');
  return app;
}

describe.each(PLATFORMS)('cookie options browsers would drop, on %s', (platform) => {
  const startWith = async (cookie: SessionModuleOptions['cookie']) => {
    const app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, cookie })]);
    await app.close();
  };

  it.each<[string, SessionModuleOptions['cookie'], RegExp]>([
    ['a lowercase __host- name without secure', { name: '__host-sid' }, /cookie\.name "__host-sid": a __Host- cookie name requires cookie\.secure.*in any case/],
    ['a lowercase __secure- name without secure', { name: '__secure-sid' }, /cookie\.name "__secure-sid": a __Secure- cookie name requires cookie\.secure.*in any case/],
    ['an upper-case __HOST- name with a domain', { name: '__HOST-sid', secure: true, domain: 'example.test' }, /__Host- cookie name .*no cookie\.domain/],
    ['a __Host- name with a path', { name: '__Host-sid', secure: true, path: '/app' }, /__Host- cookie name .*cookie\.path '\/'/],
    ['SameSite=None without secure', { sameSite: 'none' }, /cookie\.sameSite 'none' requires cookie\.secure/],
    ['partitioned without secure', { partitioned: true }, /cookie\.partitioned requires cookie\.secure/],
    ['a bare public suffix as domain', { domain: 'com' }, /cookie\.domain "com" is a public suffix.*leave cookie\.domain unset/],
    ['a multi-label public suffix as domain', { domain: '.co.uk' }, /cookie\.domain "\.co\.uk" is a public suffix/],
    ['a domain with a port', { domain: 'example.test:8080' }, /cookie\.domain "example\.test:8080" holds a port/],
    ['a domain with a path', { domain: 'example.test/x' }, /cookie\.domain "example\.test\/x" holds a path: use cookie\.path/],
    ['a domain with a scheme', { domain: 'https://example.test' }, /cookie\.domain "https:\/\/example\.test" holds a scheme/],
  ])('refuses to start with %s, naming the option and the fix', async (_case, cookie, message) => {
    await expect(startWith(cookie)).rejects.toThrow(message);
  });

  it('still starts with a valid domain, a __Host- name done right and SameSite=None with secure', async () => {
    await startWith({ domain: 'example.test' });
    await startWith({ domain: '.shop.example.co.uk' });
    await startWith({ name: '__Host-sid', secure: 'auto' });
    await startWith({ sameSite: 'none', secure: true, partitioned: true });
  });

  describe.each<[string, SessionModuleOptions['cookie'], RegExp]>([
    ['a __Host- name', { name: '__Host-sid', secure: 'auto' }, /__Host- prefix/],
    ['a __Secure- name', { name: '__Secure-sid', secure: 'auto' }, /__Secure- prefix/],
    ['SameSite=None', { name: 'sid', secure: 'auto', sameSite: 'none' }, /SameSite=None/],
    ['a Partitioned cookie', { name: 'sid', secure: 'auto', partitioned: true }, /Partitioned/],
  ])("secure: 'auto' with %s", (_case, cookie, reason) => {
    it('sends no cookie over plain HTTP, stores nothing, and logs why', async () => {
      const store = new MemorySessionStore();
      const log = new CapturedLog();
      const app = await createApp(platform, SessionModule.forRoot({ secret: SECRET, store, cookie }), false, log);
      try {
        const browser = new Browser(await url(app));
        const reply = await browser.post('/login');
        expect(reply.status).toBe(201);
        expect(reply.setCookies).toEqual([]);
        expect(store.size).toBe(0);
        expect(
          log.warnings.some(
            (message) => reason.test(message) && message.includes('not sent') && message.includes("app.set('trust proxy', 1)") && message.includes('trustProxy: true'),
          ),
        ).toBe(true);
      } finally {
        await app.close();
      }
    });

    it('sends it with Secure behind a trusted HTTPS proxy', async () => {
      const app = await createApp(platform, SessionModule.forRoot({ secret: SECRET, cookie }), true);
      try {
        const browser = new Browser(await url(app));
        const reply = await browser.post('/login', undefined, { 'x-forwarded-proto': 'https' });
        expect(reply.setCookies).toHaveLength(1);
        expect(cookieAttributes(reply.setCookies[0]).secure).toBe(true);
        expect((await browser.get('/me', { 'x-forwarded-proto': 'https' })).json).toEqual({ uid: 'ada' });
      } finally {
        await app.close();
      }
    });
  });
});

async function url(app: INestApplication): Promise<string> {
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}
