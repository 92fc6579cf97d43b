import { Body, Controller, DynamicModule, Get, INestApplication, Module, Post } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { Session, SessionModule, SessionModuleOptions } from '../../lib';
import { Browser, cookieAttributes, createTestApp, Platform, PLATFORMS, SECRET, TestApp } from './app';

const OLD = 'old-secret-0123456789-0123456789-0123456789';
const NEW = 'new-secret-9876543210-9876543210-9876543210';
const NOTE = 'ada-lovelace-private-note';

@Controller()
class NotesController {
  @Post('set')
  set(@Session() session: Session, @Body() body: Record<string, unknown>) {
    for (const [key, value] of Object.entries(body)) session.set(key, value);
  }

  @Get('peek')
  peek(@Session() session: Session) {
    return session.toJSON();
  }
}

/** Like createTestApp, with the platform's trust-proxy setting on. */
async function createProxiedApp(platform: Platform, module: DynamicModule): Promise<INestApplication> {
  @Module({ imports: [module], controllers: [NotesController] })
  class ProxiedModule {}
  const moduleRef = await Test.createTestingModule({ imports: [ProxiedModule] }).compile();
  const options = { logger: ['error', 'warn'] as const };
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter({ trustProxy: true }), { logger: [...options.logger] })
      : moduleRef.createNestApplication({ logger: [...options.logger] });
  if (platform === 'express') app.getHttpAdapter().getInstance().set('trust proxy', true);
  await app.listen(0, '127.0.0.1');
  return app;
}

describe.each(PLATFORMS)('cookie store secrets and limits on %s', (platform) => {
  const apps: TestApp[] = [];
  const start = async (options: Partial<SessionModuleOptions>) => {
    const app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, ...options })], [NotesController]);
    apps.push(app);
    return app;
  };
  /** The same browser moving on to another deployment of the app. */
  const carry = (from: Browser, app: TestApp) => Object.assign(new Browser(app.url), { jar: new Map(from.jar) });
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  it('accepts a cookie signed with a fallback secret and re-signs it with the current one', async () => {
    const [before, rotated, after] = [await start({ secret: OLD }), await start({ secret: [NEW, OLD] }), await start({ secret: NEW })];
    const browser = new Browser(before.url);
    await browser.post('/set', { user: 'ada' });
    expect((await carry(browser, after).get('/peek')).json).toEqual({});
    const moved = carry(browser, rotated);
    const reply = await moved.get('/peek');
    expect(reply.json).toEqual({ user: 'ada' });
    expect(reply.setCookies).toHaveLength(1);
    expect((await moved.get('/peek')).setCookies).toEqual([]);
    expect((await carry(moved, after).get('/peek')).json).toEqual({ user: 'ada' });
  });

  it('answers a cookie signed with an unrelated secret with a fresh session', async () => {
    const browser = new Browser((await start({ secret: OLD })).url);
    await browser.post('/set', { user: 'ada' });
    const reply = await carry(browser, await start({})).get('/peek');
    expect([reply.status, reply.json]).toEqual([200, {}]);
  });

  it('refuses a session over 4096 bytes with a generic 500 (the reason goes to the log), and keeps the old cookie', async () => {
    const browser = new Browser((await start({})).url);
    await browser.post('/set', { user: 'ada' });
    const reply = await browser.post('/set', { blob: randomBytes(4000).toString('base64') });
    expect(reply.status).toBe(500);
    expect(reply.json).toEqual({ statusCode: 500, message: 'Internal server error' });
    expect(reply.setCookies).toEqual([]);
    expect((await browser.get('/peek')).json).toEqual({ user: 'ada' });
  });

  it("keeps the data unreadable to the client with cookieFormat: 'encrypted', unlike 'signed'", async () => {
    const readable = (browser: Browser) => Buffer.from((browser.jar.get('session') as string).replace(/\./g, ''), 'base64url').toString('latin1');
    const signed = new Browser((await start({})).url);
    await signed.post('/set', { note: NOTE });
    expect(readable(signed)).toContain(NOTE);
    const encrypted = new Browser((await start({ cookieFormat: 'encrypted' })).url);
    await encrypted.post('/set', { note: NOTE });
    expect(readable(encrypted)).not.toContain(NOTE);
    expect(readable(encrypted)).not.toContain('note');
    expect((await encrypted.get('/peek')).json).toEqual({ note: NOTE });
  });

  it("sets Secure with secure: 'auto' when a trusted proxy says the request came over HTTPS", async () => {
    const app = await createProxiedApp(platform, SessionModule.forRoot({ secret: SECRET, cookie: { secure: 'auto' } }));
    try {
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const https = await new Browser(url).post('/set', { a: 1 }, { 'x-forwarded-proto': 'https' });
      expect(cookieAttributes(https.setCookies[0]).secure).toBe(true);
      const http = await new Browser(url).post('/set', { a: 1 });
      expect(cookieAttributes(http.setCookies[0]).secure).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
