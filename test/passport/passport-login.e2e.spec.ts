import { Browser, PLATFORMS, type TestApp } from '../e2e/app';
import { describeWith } from '../setup/services';
import { createPassportApp } from './passport-app';
import { PASSPORT_STORES, type PassportStoreHarness } from './passport-stores';

const ALICE = { username: 'alice', password: 'alice-password' };

for (const platform of PLATFORMS) {
  for (const kind of PASSPORT_STORES) {
    describeWith(kind.needs)(`Passport login on ${platform}, ${kind.name} store, requestSession: true`, () => {
      let harness: PassportStoreHarness;
      let app: TestApp;
      // Express Passport keeps { user }, @fastify/passport the serialized value itself.
      const loggedIn = platform === 'express' ? { passport: { user: 1 } } : { passport: 1 };

      beforeAll(async () => {
        harness = await kind.open();
        app = await createPassportApp(platform, harness);
      });
      afterAll(async () => {
        await app?.close();
        await harness?.cleanup();
      });

      it('a failed login writes nothing: 401, no Set-Cookie, no record', async () => {
        const reply = await new Browser(app.url).post('/login', { username: 'alice', password: 'wrong' });
        expect(reply.status).toBe(401);
        expect(reply.setCookies).toEqual([]);
        expect(await harness.count()).toBe(0);
      });

      it('login starts a new session under a new id; req.user comes back from the store', async () => {
        const browser = new Browser(app.url);
        const visit = await browser.post('/visit');
        const preLogin = new Map(browser.jar);
        const login = await browser.post('/login', ALICE);
        expect(login.status).toBe(200);
        expect(login.json.user).toEqual({ id: 1, username: 'alice' });
        // A new empty session: nothing from before the login is carried into the logged-in one.
        expect(login.json.data).toEqual(loggedIn);
        expect(browser.jar).not.toEqual(preLogin);
        const me = await browser.get('/me');
        expect(me.json).toEqual({ user: { id: 1, username: 'alice' }, id: login.json.id, data: loggedIn });
        if (kind.serverSide) {
          expect(login.json.id).not.toBe(visit.json.id);
          expect(await harness.get(visit.json.id)).toBeNull();
          const planted = new Browser(app.url);
          for (const [name, value] of preLogin) planted.jar.set(name, value);
          expect((await planted.get('/me')).json.user).toBeNull();
        }
      });

      it('logout clears the user and every key of the session, and deletes the cookie', async () => {
        const browser = new Browser(app.url);
        const login = await browser.post('/login', ALICE);
        await browser.post('/write/cart');
        const logout = await browser.post('/logout');
        expect(logout.status).toBe(200);
        expect(logout.json).toEqual({ user: null, data: {} });
        expect(browser.jar.size).toBe(0);
        expect((await browser.get('/me')).json).toMatchObject({ user: null, data: {} });
        if (kind.serverSide) expect(await harness.get(login.json.id)).toBeNull();
      });

      it("Nest's own @Session() and nest-session's @Session() read and write the same session", async () => {
        const browser = new Browser(app.url);
        await browser.post('/both');
        const second = await browser.post('/both');
        expect(second.json).toEqual({ oursSeesNest: 2, nestSeesOurs: 2, sameId: true });
      });

      if (kind.serverSide) {
        it('concurrent requests right after login keep every write (merged, not last-writer-wins)', async () => {
          const browser = new Browser(app.url);
          await browser.post('/login', ALICE);
          const keys = Array.from({ length: 8 }, (_, i) => `k${i}`);
          const replies = await Promise.all(keys.map((key) => browser.post(`/write/${key}`)));
          expect(replies.map((reply) => reply.status)).toEqual(keys.map(() => 200));
          const me = await browser.get('/me');
          expect(me.json.user).toEqual({ id: 1, username: 'alice' });
          expect(me.json.data).toEqual({ ...loggedIn, ...Object.fromEntries(keys.map((key) => [key, key])) });
        });
      }
    });
  }
}
