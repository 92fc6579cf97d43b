import { Browser, PLATFORMS, type TestApp } from '../e2e/app';
import { createPassportApp } from '../passport/passport-app';
import { PASSPORT_STORES, type PassportStoreHarness } from '../passport/passport-stores';
import { describeWith } from '../setup/services';

const ALICE = { username: 'alice', password: 'alice-password' };

// Passport ≥ 0.6 (and @fastify/passport) regenerate the session on login: the CSRF secret goes
// with the old session, so a token an attacker planted or captured before login is dead after it.
for (const platform of PLATFORMS) {
  for (const kind of PASSPORT_STORES) {
    describeWith(kind.needs)(`CSRF through a Passport login on ${platform}, ${kind.name} store`, () => {
      let harness: PassportStoreHarness;
      let app: TestApp;

      beforeAll(async () => {
        harness = await kind.open();
        app = await createPassportApp(platform, harness, { csrf: true });
      });
      afterAll(async () => {
        await app?.close();
        await harness?.cleanup();
      });

      it('the login post needs a token; the token from before login is refused after it', async () => {
        const browser = new Browser(app.url);
        const refused = await browser.post('/login', ALICE);
        expect(refused.status).toBe(403);
        expect(refused.json).toEqual({ statusCode: 403, message: 'invalid CSRF token' });
        expect(refused.setCookies).toEqual([]);

        const before = (await browser.get('/csrf')).json.token;
        const login = await browser.post('/login', ALICE, { 'x-csrf-token': before });
        expect(login.status).toBe(200);
        expect(login.json.user).toEqual({ id: 1, username: 'alice' });

        const stale = await browser.post('/write/cart', {}, { 'x-csrf-token': before });
        expect(stale.status).toBe(403);
        expect(stale.setCookies).toEqual([]);
        expect((await browser.get('/me')).json.data.cart).toBeUndefined();

        const after = (await browser.get('/csrf')).json.token;
        expect((await browser.post('/write/cart', {}, { 'x-csrf-token': after })).status).toBe(200);
        const me = await browser.get('/me');
        expect(me.json.user).toEqual({ id: 1, username: 'alice' });
        expect(me.json.data.cart).toBe('cart');
        // The secret is not among the keys req.session shows.
        expect(Object.keys(me.json.data)).not.toContain('_csrf');
        if (kind.serverSide) expect(JSON.stringify(await harness.get(me.json.id))).toContain('"_csrf"');
      });

      it('logout ends the secret too', async () => {
        const browser = new Browser(app.url);
        const token = (await browser.get('/csrf')).json.token;
        await browser.post('/login', ALICE, { 'x-csrf-token': token });
        const loggedIn = (await browser.get('/csrf')).json.token;
        expect((await browser.post('/logout', {}, { 'x-csrf-token': loggedIn })).status).toBe(200);
        expect((await browser.post('/visit', {}, { 'x-csrf-token': loggedIn })).status).toBe(403);
      });
    });
  }
}
