import { Browser, PLATFORMS, type Reply, type TestApp } from '../e2e/app';
import { describeWith } from '../setup/services';
import { CSRF_STORES, createCsrfApp, OTHER_SERVER_STORES, sessionIdOf, type CsrfStoreHarness } from './csrf-app';

const REJECTED = { statusCode: 403, message: 'invalid CSRF token' };

/** A browser form post (application/x-www-form-urlencoded) with the browser's cookies. */
export async function postForm(browser: Browser, base: string, path: string, fields: Record<string, string>): Promise<Reply> {
  const cookie = [...browser.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const response = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  const body = await response.text();
  const setCookies = response.headers.getSetCookie();
  for (const header of setCookies) {
    const pair = header.split(';')[0];
    const name = pair.slice(0, pair.indexOf('='));
    const value = pair.slice(pair.indexOf('=') + 1);
    if (value === '' || /max-age=0/i.test(header)) browser.jar.delete(name);
    else browser.jar.set(name, value);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: response.status, body, json, headers: response.headers, setCookies };
}

for (const platform of PLATFORMS) {
  // Every store: the secret is ordinary session data, so each must keep it and refuse nothing else.
  for (const kind of [...CSRF_STORES, ...OTHER_SERVER_STORES]) {
    describeWith(kind.needs)(`CSRF on ${platform}, ${kind.name} store, csrf: true`, () => {
      let harness: CsrfStoreHarness;
      let app: TestApp;

      beforeAll(async () => {
        harness = await kind.open();
        app = await createCsrfApp(platform, { csrf: true }, harness.store);
      });
      afterAll(async () => {
        await app?.close();
        await harness?.cleanup();
      });

      /** A browser with a saved session holding count = 1 and a token of it. */
      async function visitor(): Promise<{ browser: Browser; token: string }> {
        const browser = new Browser(app.url);
        const page = await browser.get('/form');
        expect(page.status).toBe(200);
        const bump = await browser.post('/bump', {}, { 'x-csrf-token': page.json.token });
        expect(bump.status).toBe(200);
        return { browser, token: page.json.token };
      }

      /** What the server holds for the browser's session (the cookie itself for the cookie store). */
      async function held(browser: Browser): Promise<string | null> {
        const cookie = browser.jar.get('session');
        return kind.serverSide ? harness.record(sessionIdOf(cookie)) : (cookie ?? null);
      }

      /** The request is refused with the stable 403, and neither the cookie nor the store changed. */
      async function expectRefusedUnchanged(browser: Browser, send: () => Promise<Reply>): Promise<void> {
        const before = await held(browser);
        const jar = new Map(browser.jar);
        const reply = await send();
        expect(reply.status).toBe(403);
        expect(reply.json).toEqual(REJECTED);
        expect(reply.setCookies).toEqual([]);
        expect(browser.jar).toEqual(jar);
        expect(await held(browser)).toBe(before);
        expect((await browser.get('/count')).json.count).toBe(1);
      }

      it('the form page gets a token and a session cookie; the token comes back in the form field', async () => {
        const browser = new Browser(app.url);
        const page = await browser.get('/form');
        expect(page.json.token).toMatch(/^[A-Za-z0-9_-]{91}$/);
        expect(page.setCookies).toHaveLength(1);
        expect(page.headers.get('vary')).toMatch(/Cookie/);
        const post = await postForm(browser, app.url, '/bump', { csrf_token: page.json.token, note: 'hi' });
        expect(post.status).toBe(200);
        expect(post.json).toEqual({ count: 1, body: { csrf_token: page.json.token, note: 'hi' } });
        expect((await browser.get('/count')).json.count).toBe(1);
      });

      it('the token is accepted in X-CSRF-Token, X-CSRFToken (Flask-WTF) and X-XSRF-Token, and in a JSON body field', async () => {
        const { browser, token } = await visitor();
        for (const header of ['X-CSRF-Token', 'X-CSRFToken', 'X-XSRF-Token']) {
          expect((await browser.post('/bump', {}, { [header]: token })).status).toBe(200);
        }
        expect((await browser.post('/bump', { csrf_token: token })).status).toBe(200);
        expect((await browser.get('/count')).json.count).toBe(5);
      });

      it('each call masks the token anew; every one of them is good until the secret changes', async () => {
        const browser = new Browser(app.url);
        const tokens = [];
        for (let i = 0; i < 3; i++) tokens.push((await browser.get('/form')).json.token);
        expect(new Set(tokens).size).toBe(3);
        for (const token of tokens) expect((await browser.post('/bump', {}, { 'x-csrf-token': token })).status).toBe(200);
      });

      it('PUT, PATCH and DELETE are checked like POST; GET never is, even with a side effect', async () => {
        const { browser, token } = await visitor();
        for (const method of ['PUT', 'PATCH', 'DELETE']) {
          expect((await browser.request(method, '/bump')).status).toBe(403);
          expect((await browser.request(method, '/bump', { headers: { 'x-csrf-token': token } })).status).toBe(200);
        }
        expect((await browser.get('/bump')).status).toBe(200);
        expect((await browser.get('/count')).json.count).toBe(5);
      });

      it('a post without a token is 403, writes nothing and sends no cookie', async () => {
        const { browser } = await visitor();
        await expectRefusedUnchanged(browser, () => postForm(browser, app.url, '/bump', { note: 'no token' }));
        await expectRefusedUnchanged(browser, () => browser.post('/bump', {}));
      });

      it('forged, oversized, truncated, repeated and empty tokens are 403 with nothing written', async () => {
        const { browser, token } = await visitor();
        const forged = token.slice(0, 40) + (token[40] === 'A' ? 'B' : 'A') + token.slice(41);
        for (const bad of [forged, 'A'.repeat(91), token + token, 'x'.repeat(8000), token.slice(0, 90), '']) {
          await expectRefusedUnchanged(browser, () => browser.post('/bump', {}, { 'x-csrf-token': bad }));
        }
        await expectRefusedUnchanged(browser, () => postForm(browser, app.url, '/bump', { csrf_token: 'x'.repeat(50000) }));
        await expectRefusedUnchanged(browser, () => browser.post('/bump', { csrf_token: [token, token] }));
        await expectRefusedUnchanged(browser, () => browser.post('/bump', { csrf_token: { toString: token } }));
      });

      it("another session's token is refused, and so is a token with no session at all", async () => {
        const { browser } = await visitor();
        const other = await visitor();
        await expectRefusedUnchanged(browser, () => browser.post('/bump', {}, { 'x-csrf-token': other.token }));
        const stranger = new Browser(app.url);
        const reply = await stranger.post('/bump', {}, { 'x-csrf-token': other.token });
        expect(reply.status).toBe(403);
        expect(reply.setCookies).toEqual([]);
      });

      it('regenerate() (login) replaces the secret: a token from before login is 403 after it', async () => {
        const { browser, token } = await visitor();
        const login = await browser.post('/login', {}, { 'x-csrf-token': token });
        expect(login.status).toBe(200);
        const after = await browser.post('/bump', {}, { 'x-csrf-token': token });
        expect(after.status).toBe(403);
        expect(after.json).toEqual(REJECTED);
        // The kept data is there; the token the login response gave is the good one.
        expect((await browser.post('/bump', {}, { 'x-csrf-token': login.json.token })).json.count).toBe(2);
      });

      it('destroy() (logout) and clear() end the secret with the data', async () => {
        const first = await visitor();
        expect((await first.browser.post('/logout', {}, { 'x-csrf-token': first.token })).status).toBe(200);
        expect((await first.browser.post('/bump', {}, { 'x-csrf-token': first.token })).status).toBe(403);
        const second = await visitor();
        expect((await second.browser.post('/clear', {}, { 'x-csrf-token': second.token })).status).toBe(200);
        expect((await second.browser.post('/bump', {}, { 'x-csrf-token': second.token })).status).toBe(403);
      });

      it('@SkipCsrf() opts a route out', async () => {
        const reply = await new Browser(app.url).post('/webhook', {});
        expect(reply.status).toBe(200);
        expect(reply.json).toEqual({ ok: true });
      });

      it('the secret is not part of the data the app sees', async () => {
        const { browser } = await visitor();
        const page = await browser.get('/form');
        expect(page.json.count).toBe(1);
        if (kind.serverSide) {
          const record = JSON.parse((await held(browser)) as string);
          expect(Object.keys(record.data).sort()).toEqual(['_csrf', 'count']);
        }
      });
    });
  }
}
