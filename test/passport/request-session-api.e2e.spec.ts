import { Browser, PLATFORMS, type TestApp } from '../e2e/app';
import { createPassportApp } from './passport-app';
import { PASSPORT_STORES, type PassportStoreHarness } from './passport-stores';

const SQLITE = PASSPORT_STORES.find((kind) => kind.name === 'TypeORM on SQLite')!;

for (const platform of PLATFORMS) {
  describe(`req.session's object protocol on ${platform}`, () => {
    let harness: PassportStoreHarness;
    let app: TestApp;

    beforeAll(async () => {
      harness = await SQLITE.open();
      app = await createPassportApp(platform, harness);
    });
    afterAll(async () => {
      await app?.close();
      await harness?.cleanup();
    });

    it('properties are the top-level keys: set, read, `in`, Object.keys, JSON, delete; nested changes are saved', async () => {
      const browser = new Browser(app.url);
      const reply = await browser.post('/protocol');
      expect(reply.json).toEqual({
        before: { keys: ['a', 'b'], hasA: true, hasZ: false, json: { a: 1, b: { nested: ['x'] } } },
        after: { keys: ['b', 'c'], c: 3, cookie: null, isFunction: 'function' },
      });
      expect((await browser.get('/me')).json.data).toEqual({ b: { nested: ['x'] }, c: 3 });
    });

    it("Passport's keepSessionInfo carries the old keys into the new session", async () => {
      const browser = new Browser(app.url);
      const visit = await browser.post('/visit');
      const login = await browser.post('/login-keep');
      expect(login.json.id).not.toBe(visit.json.id);
      expect(login.json.data).toMatchObject({ visited: true });
      expect((await browser.get('/me')).json.user).toEqual({ id: 2, username: 'bob' });
      expect(await harness.get(visit.json.id)).toBeNull();
    });
  });
}
