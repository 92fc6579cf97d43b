import { SessionModule } from '../../lib';
import { GENERIC_500, HostileDataController } from '../security/hostile-app';
import { HOSTILE_TARGETS } from '../security/hostile-targets';
import { Browser, createTestApp, PLATFORMS, SECRET, type TestApp } from './app';

/** Values a handler may try to keep that no codec could read back: refused when written. */
const UNREADABLE: Array<[string, string]> = [
  ['profile', '{"a":1,"constructor":"x"}'],
  ['settings', '{"nested":{"prototype":"y"}}'],
  ['form', '{"name":"Zoë","nested":{"__proto__":{"admin":true}}}'],
];

for (const target of HOSTILE_TARGETS) {
  const platforms = target.serverSide && target.name !== 'memory' ? PLATFORMS.slice(0, 1) : PLATFORMS;
  target.describe(`session data a codec cannot read back, with the ${target.name} store`, () => {
    describe.each(platforms)('on %s', (platform) => {
      let app: TestApp;
      let cleanup: () => Promise<void> = async () => undefined;

      beforeAll(async () => {
        const opened = await target.open();
        cleanup = opened.cleanup;
        const module = SessionModule.forRoot({ secret: SECRET, store: opened.store, cookieFormat: target.cookieFormat });
        app = await createTestApp(platform, [module], [HostileDataController]);
      }, 60000);
      afterAll(async () => {
        await app?.close();
        await cleanup();
      });

      it.each(UNREADABLE)('refuses %s = %s with a generic 500, and keeps the login', async (key, raw) => {
        const browser = new Browser(app.url);
        await browser.post('/login');
        const reply = await browser.post(`/store/${key}`, { raw });
        expect(reply.status).toBe(500);
        expect(reply.json).toEqual(GENERIC_500);
        expect(reply.setCookies).toEqual([]);
        expect((await browser.get('/whoami')).json).toEqual({ user: 'ada', keys: ['user'] });
        expect((await browser.get(`/read/${key}`)).status).toBe(200);
      });

      it('escapes a one-key object that lost a member to undefined, and reads it back', async () => {
        const browser = new Browser(app.url);
        await browser.post('/login');
        expect((await browser.post('/sparse')).status).toBe(201);
        const reply = await browser.get('/read/meta');
        expect(reply.status).toBe(200);
        expect(reply.json).toEqual({ value: { ' note': 'x' } });
        expect((await browser.get('/whoami')).json.user).toBe('ada');
      });

      it.each(['/deep', '/big'])('answers %s with Nest\'s generic 500, the detail only in the log', async (path) => {
        const reply = await new Browser(app.url).post(path);
        expect(reply.status).toBe(500);
        expect(reply.json).toEqual(GENERIC_500);
        expect(reply.body).not.toMatch(/nest-session|nested deeper|bytes/);
      });
    });
  });
}
