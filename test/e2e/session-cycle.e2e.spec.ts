import { Controller, Get, Post } from '@nestjs/common';
import { Session } from '../../lib';
import { Browser, cookieAttributes, createTestApp, PLATFORMS, TestApp } from './app';
import { COOKIE_AND_MEMORY_STORES } from './session-kinds';

@Controller()
class CounterController {
  @Get('count')
  count(@Session() session: Session<{ n: number }>) {
    const n = session.get('n', 0) + 1;
    session.set('n', n);
    return { n };
  }

  @Get('peek')
  peek(@Session('n') n?: number) {
    return { n: n ?? null };
  }

  @Get('plain')
  plain() {
    return { ok: true };
  }

  @Post('clear')
  clear(@Session() session: Session) {
    session.clear();
    return { cleared: true };
  }
}

describe.each(PLATFORMS)('the open/save cycle on %s', (platform) => {
  describe.each(COOKIE_AND_MEMORY_STORES)('%s', (_name, module) => {
    let app: TestApp;
    beforeAll(async () => {
      app = await createTestApp(platform, [module()], [CounterController]);
    });
    afterAll(() => app.close());

    it('keeps data between requests with a HttpOnly, SameSite=Lax session cookie and Vary: Cookie', async () => {
      const browser = new Browser(app.url);
      const first = await browser.get('/count');
      expect(first.status).toBe(200);
      expect(first.json).toEqual({ n: 1 });
      expect(first.setCookies).toHaveLength(1);
      const attributes = cookieAttributes(first.setCookies[0]);
      expect(first.setCookies[0]).toMatch(/^session=/);
      expect(attributes.httponly).toBe(true);
      expect(attributes.samesite).toBe('Lax');
      expect(attributes.path).toBe('/');
      expect(attributes.expires).toBeUndefined();
      expect(attributes.secure).toBeUndefined();
      expect(first.headers.get('vary')).toMatch(/Cookie/);
      expect(first.headers.get('cache-control')).toMatch(/private/);
      expect((await browser.get('/count')).json).toEqual({ n: 2 });
      expect((await browser.get('/peek')).json).toEqual({ n: 2 });
    });

    it('sends no cookie and no Vary for a route that does not use the session', async () => {
      const browser = new Browser(app.url);
      await browser.get('/count');
      const reply = await browser.get('/plain');
      expect(reply.status).toBe(200);
      expect(reply.setCookies).toEqual([]);
      expect(reply.headers.get('vary') ?? '').not.toMatch(/Cookie/);
    });

    it('sends Vary but no Set-Cookie when a non-permanent session is only read', async () => {
      const browser = new Browser(app.url);
      await browser.get('/count');
      const reply = await browser.get('/peek');
      expect(reply.setCookies).toEqual([]);
      expect(reply.headers.get('vary')).toMatch(/Cookie/);
    });

    it('never sets a cookie for an empty new session', async () => {
      const reply = await new Browser(app.url).get('/peek');
      expect(reply.json).toEqual({ n: null });
      expect(reply.setCookies).toEqual([]);
    });

    it('deletes the cookie of a session emptied during the request', async () => {
      const browser = new Browser(app.url);
      await browser.get('/count');
      const reply = await browser.post('/clear');
      expect(reply.setCookies).toHaveLength(1);
      const attributes = cookieAttributes(reply.setCookies[0]);
      expect(attributes.value).toBe('');
      expect(attributes['max-age']).toBe('0');
      expect(attributes.expires).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
      expect(attributes.httponly).toBe(true);
      expect(attributes.path).toBe('/');
      expect(browser.jar.size).toBe(0);
      expect((await browser.get('/peek')).json).toEqual({ n: null });
    });

    it('answers a tampered cookie with a fresh empty session and a 200', async () => {
      const browser = new Browser(app.url);
      await browser.get('/count');
      const value = browser.jar.get('session') as string;
      browser.jar.set('session', value.slice(0, -2) + (value.endsWith('AA') ? 'BB' : 'AA'));
      const reply = await browser.get('/peek');
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ n: null });
    });
  });
});
