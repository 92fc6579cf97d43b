import { MemorySessionStore, SessionModule } from '../../lib';
import { Browser, cookieAttributes, PLATFORMS, SECRET, type TestApp } from '../e2e/app';
import { createCsrfApp } from './csrf-app';

for (const platform of PLATFORMS) {
  describe(`CSRF options on ${platform}`, () => {
    const apps: TestApp[] = [];
    afterAll(async () => {
      for (const app of apps) await app.close();
    });
    const open = async (...args: Parameters<typeof createCsrfApp> extends [unknown, ...infer R] ? R : never) => {
      const app = await createCsrfApp(platform, ...args);
      apps.push(app);
      return app;
    };

    it('without the csrf option nothing is checked globally, and @UseGuards(CsrfGuard) checks its route', async () => {
      const app = await open({}, new MemorySessionStore());
      const browser = new Browser(app.url);
      expect((await browser.post('/open', {})).status).toBe(200);
      const refused = await browser.post('/guarded', {});
      expect(refused.status).toBe(403);
      expect(refused.json).toEqual({ statusCode: 403, message: 'invalid CSRF token' });
      const token = (await browser.get('/form')).json.token;
      expect((await browser.post('/guarded', {}, { 'x-csrf-token': token })).status).toBe(200);
    });

    it('SessionService.csrfToken(context) hands out tokens of the same session, saved with it', async () => {
      const app = await open({ csrf: true }, new MemorySessionStore());
      const browser = new Browser(app.url);
      const page = await browser.get('/via-service');
      expect(page.json.token).toMatch(/^[A-Za-z0-9_-]{91}$/);
      expect(page.setCookies).toHaveLength(1);
      expect((await browser.post('/bump', {}, { 'x-csrf-token': page.json.token })).status).toBe(200);
      expect((await new Browser(app.url).post('/bump', {}, { 'x-csrf-token': page.json.token })).status).toBe(403);
    });

    it('csrf: { global: false } also leaves the check to CsrfGuard', async () => {
      const app = await open({ csrf: { global: false } });
      expect((await new Browser(app.url).post('/open', {})).status).toBe(200);
      expect((await new Browser(app.url).post('/guarded', {})).status).toBe(403);
    });

    it('fieldName and headerNames replace the defaults', async () => {
      const app = await open({ csrf: { fieldName: '_csrf', headerNames: ['X-My-Token'] } });
      const browser = new Browser(app.url);
      const token = (await browser.get('/form')).json.token;
      expect((await browser.post('/bump', {}, { 'x-csrf-token': token })).status).toBe(403);
      expect((await browser.post('/bump', { csrf_token: token })).status).toBe(403);
      expect((await browser.post('/bump', { _csrf: token })).status).toBe(200);
      expect((await browser.post('/bump', {}, { 'x-my-token': token })).status).toBe(200);
    });

    it('cookie and header (opt-in) hand scripts a fresh token on every response that opened the session', async () => {
      const app = await open({ csrf: { cookie: true, header: true }, cookie: { sameSite: 'strict' } });
      const browser = new Browser(app.url);
      const page = await browser.get('/count');
      const xsrf = page.setCookies.find((header) => header.startsWith('XSRF-TOKEN='));
      expect(xsrf).toBeDefined();
      const attributes = cookieAttributes(xsrf as string);
      expect(attributes).toMatchObject({ path: '/', samesite: 'Strict' });
      expect(attributes.httponly).toBeUndefined();
      expect(page.headers.get('x-csrf-token')).toMatch(/^[A-Za-z0-9_-]{91}$/);
      // One token per response, in both places.
      expect(page.headers.get('x-csrf-token')).toBe(attributes.value);
      // What axios and Angular do: read XSRF-TOKEN, send X-XSRF-TOKEN.
      const post = await browser.post('/bump', {}, { 'x-xsrf-token': browser.jar.get('XSRF-TOKEN') as string });
      expect(post.status).toBe(200);
      expect(post.headers.get('x-csrf-token')).toMatch(/^[A-Za-z0-9_-]{91}$/);
      // A route that never opens the session gets neither.
      const webhook = await new Browser(app.url).post('/webhook', {});
      expect(webhook.setCookies).toEqual([]);
      expect(webhook.headers.get('x-csrf-token')).toBeNull();
    });

    it('maxAge: a token older than the limit is refused; a fresh one of the same session passes', async () => {
      const app = await open({ csrf: { maxAge: 1000 } });
      const browser = new Browser(app.url);
      const old = (await browser.get('/form')).json.token;
      expect((await browser.post('/bump', {}, { 'x-csrf-token': old })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2200));
      expect((await browser.post('/bump', {}, { 'x-csrf-token': old })).status).toBe(403);
      const fresh = (await browser.get('/form')).json.token;
      expect((await browser.post('/bump', {}, { 'x-csrf-token': fresh })).json.count).toBe(2);
    });

    it('a token signed with a retired secret still verifies after key rotation', async () => {
      const OLD = 'an-older-secret-that-is-at-least-32-characters';
      const before = await open({ secret: OLD, csrf: true });
      const browser = new Browser(before.url);
      const token = (await browser.get('/form')).json.token;
      const after = await open({ secret: [SECRET, OLD], csrf: true });
      const moved = new Browser(after.url);
      for (const [name, value] of browser.jar) moved.jar.set(name, value);
      expect((await moved.post('/bump', {}, { 'x-csrf-token': token })).status).toBe(200);
      const stranger = await open({ secret: SECRET, csrf: true });
      const elsewhere = new Browser(stranger.url);
      for (const [name, value] of browser.jar) elsewhere.jar.set(name, value);
      expect((await elsewhere.post('/bump', {}, { 'x-csrf-token': token })).status).toBe(403);
    });
  });
}

describe('CSRF options refused at startup', () => {
  it.each([
    [{ csrf: 'yes' }, /csrf must be true, false or an object/],
    [{ csrf: { feildName: 'x' } }, /unknown option "csrf.feildName" — did you mean "csrf.fieldName"/],
    [{ csrf: { maxAge: -1 } }, /csrf.maxAge must be 0/],
    [{ csrf: { headerNames: ['bad header'] } }, /csrf.headerNames/],
    [{ csrf: { cookie: { name: 'session' } } }, /csrf.cookie.name "session" must be a valid cookie name other than the session cookie's/],
  ])('%j', async (options, message) => {
    expect(() => SessionModule.forRoot({ secret: SECRET, ...(options as object) })).not.toThrow();
    await expect(createCsrfApp('express', options as never)).rejects.toThrow(message);
  });
});
