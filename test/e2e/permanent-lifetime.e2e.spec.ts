import { Controller, Get, Post } from '@nestjs/common';
import { MemorySessionStore, Session, SessionModule, SessionModuleOptions } from '../../lib';
import { Browser, cookieAttributes, createTestApp, PLATFORMS, SECRET, TestApp } from './app';

const HOUR = 60 * 60 * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@Controller()
class VisitController {
  @Post('visit')
  visit(@Session() session: Session) {
    session.set('visits', session.get('visits', 0) + 1);
    return { visits: session.get('visits') };
  }

  @Post('remember-me')
  rememberMe(@Session() session: Session) {
    session.permanent = true;
    session.set('user', 'ada');
    return { permanent: session.permanent };
  }

  @Get('peek')
  peek(@Session() session: Session) {
    return { visits: session.get('visits', null) };
  }
}

describe.each(PLATFORMS)('permanent sessions and the lifetime on %s', (platform) => {
  describe.each([
    ['cookie store', () => ({})],
    ['memory store', () => ({ store: new MemorySessionStore() })],
  ])('%s', (_name, store) => {
    let app: TestApp | undefined;
    const start = async (options: Partial<SessionModuleOptions>) => {
      app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, ...store(), ...options })], [VisitController]);
      return new Browser(app.url);
    };
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    it('gives a permanent session a cookie with Expires = now + lifetime and Max-Age', async () => {
      const browser = await start({ permanent: true, lifetime: HOUR });
      const reply = await browser.post('/visit');
      const attributes = cookieAttributes(reply.setCookies[0]);
      expect(Math.abs(Date.parse(attributes.expires as string) - (Date.now() + HOUR))).toBeLessThan(5000);
      expect(Math.abs(Number(attributes['max-age']) - HOUR / 1000)).toBeLessThanOrEqual(5);
    });

    it('gives a non-permanent session a cookie that ends with the browser', async () => {
      const browser = await start({ lifetime: HOUR });
      const attributes = cookieAttributes((await browser.post('/visit')).setCookies[0]);
      expect(attributes.expires).toBeUndefined();
      expect(attributes['max-age']).toBeUndefined();
    });

    it('makes one session permanent with session.permanent = true', async () => {
      const browser = await start({ lifetime: HOUR });
      const reply = await browser.post('/remember-me');
      expect(reply.json).toEqual({ permanent: true });
      expect(Math.abs(Date.parse(cookieAttributes(reply.setCookies[0]).expires as string) - (Date.now() + HOUR))).toBeLessThan(5000);
      const other = cookieAttributes((await new Browser(app!.url).post('/visit')).setCookies[0]);
      expect(other.expires).toBeUndefined();
    });

    it('re-sends the cookie of a permanent session on a read-only request, sliding Expires', async () => {
      const browser = await start({ permanent: true, lifetime: HOUR });
      const first = cookieAttributes((await browser.post('/visit')).setCookies[0]);
      await sleep(1100);
      const reply = await browser.get('/peek');
      expect(reply.json).toEqual({ visits: 1 });
      expect(reply.setCookies).toHaveLength(1);
      const refreshed = cookieAttributes(reply.setCookies[0]);
      expect(Date.parse(refreshed.expires as string)).toBeGreaterThan(Date.parse(first.expires as string));
      expect((await browser.get('/peek')).json).toEqual({ visits: 1 });
    });

    it('sends no cookie on a read-only request with refreshEachRequest: false', async () => {
      const browser = await start({ permanent: true, lifetime: HOUR, refreshEachRequest: false });
      await browser.post('/visit');
      const reply = await browser.get('/peek');
      expect(reply.json).toEqual({ visits: 1 });
      expect(reply.setCookies).toEqual([]);
    });

    it('answers a cookie older than the lifetime with a fresh session, even if the browser kept it', async () => {
      const browser = await start({ lifetime: 1500 });
      await browser.post('/visit');
      expect((await browser.get('/peek')).json).toEqual({ visits: 1 });
      const expired = browser.jar.get('session');
      await sleep(2100);
      expect((await browser.get('/peek')).json).toEqual({ visits: null });
      expect((await browser.post('/visit')).json).toEqual({ visits: 1 });
      expect(browser.jar.get('session')).not.toBe(expired);
    });

    it('keeps a permanent session in use alive past the lifetime, and lets an idle one expire', async () => {
      const active = await start({ permanent: true, lifetime: 4000 });
      const idle = new Browser(app!.url);
      await Promise.all([active.post('/visit'), idle.post('/visit')]);
      await sleep(2000);
      expect((await active.get('/peek')).setCookies).toHaveLength(1);
      await sleep(2300);
      expect((await active.get('/peek')).json).toEqual({ visits: 1 });
      expect((await idle.get('/peek')).json).toEqual({ visits: null });
    });
  });
});
