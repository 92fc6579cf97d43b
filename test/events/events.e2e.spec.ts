import { Browser, PLATFORMS, type TestApp } from '../e2e/app';
import { CSRF_STORES, type CsrfStoreHarness } from '../csrf/csrf-app';
import { describeWith } from '../setup/services';
import { createEventsApp, type EventLog } from './events-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const platform of PLATFORMS) {
  for (const kind of CSRF_STORES) {
    describeWith(kind.needs)(`session events on ${platform}, ${kind.name} store`, () => {
      let harness: CsrfStoreHarness;
      let app: TestApp & { log: EventLog };
      const server = kind.serverSide;

      beforeAll(async () => {
        harness = await kind.open();
        app = await createEventsApp(platform, { store: harness.store, userKey: server ? 'userId' : undefined, csrf: true });
      });
      afterAll(async () => {
        await app?.close();
        await harness?.cleanup();
      });
      beforeEach(() => app.log.take());

      /** A browser holding a CSRF token of its session, and the events that took. */
      async function visitor(): Promise<{ browser: Browser; headers: Record<string, string> }> {
        const browser = new Browser(app.url);
        const token = (await browser.get('/token')).json.token;
        return { browser, headers: { 'x-csrf-token': token } };
      }

      it('created: once, when a new session is first saved; not for reads, later writes or empty sessions', async () => {
        const browser = new Browser(app.url);
        await browser.get('/read');
        expect(app.log.take()).toEqual([]);
        const token = (await browser.get('/token')).json.token;
        const id = (await browser.get('/read')).json.id;
        expect(app.log.take()).toEqual([{ name: 'session.created', event: { sessionId: id, userId: undefined } }]);
        await browser.post('/write', {}, { 'x-csrf-token': token });
        await browser.post('/write', {}, { 'x-csrf-token': token });
        expect(app.log.take()).toEqual([]);
      });

      it('regenerated: on regenerate(), with the previous and the new id, and no created for the new record', async () => {
        const { browser, headers } = await visitor();
        const before = (await browser.get('/read')).json.id;
        app.log.take();
        const login = await browser.post('/login', {}, headers);
        expect(login.status).toBe(200);
        expect(app.log.take()).toEqual([{ name: 'session.regenerated', event: { sessionId: login.json.id, previousSessionId: before, userId: undefined } }]);
        if (server) expect(login.json.id).not.toBe(before);
      });

      it('destroyed: on destroy(), with the id and user it had; the flash-free fresh session creates nothing', async () => {
        const { browser, headers } = await visitor();
        const login = await browser.post('/login', {}, headers);
        const token = (await browser.get('/token')).json.token;
        app.log.take();
        const logout = await browser.post('/logout', {}, { 'x-csrf-token': token });
        expect(logout.status).toBe(200);
        expect(app.log.take()).toEqual([{ name: 'session.destroyed', event: { sessionId: login.json.id, userId: server ? 'alice' : undefined } }]);
      });

      it('csrf.rejected: once per refused request, with the reason; accepted requests report nothing', async () => {
        const { browser, headers } = await visitor();
        app.log.take();
        expect((await browser.post('/write', {})).status).toBe(403);
        expect((await browser.post('/write', {}, { 'x-csrf-token': 'A'.repeat(91) })).status).toBe(403);
        expect((await browser.post('/write', {}, { 'x-csrf-token': 'short' })).status).toBe(403);
        expect((await browser.post('/write', {}, headers)).status).toBe(200);
        const events = app.log.take();
        expect(events.map((e) => e.name)).toEqual(['csrf.rejected', 'csrf.rejected', 'csrf.rejected']);
        expect(events.map((e) => (e.event as { reason: string }).reason)).toEqual(['missing', 'mismatch', 'malformed']);
        expect(events[0].event).toMatchObject({ method: 'POST', url: '/write' });
      });

      if (server) {
        it('user-logged-out: on destroyUserSessions(), with the count; the destroyed sessions are gone', async () => {
          const first = await visitor();
          const second = await visitor();
          await first.browser.post('/login', { user: `bob-${platform}` }, first.headers);
          await second.browser.post('/login', { user: `bob-${platform}` }, second.headers);
          const caller = await visitor();
          app.log.take();
          const reply = await caller.browser.post('/logout-everywhere', { user: `bob-${platform}` }, caller.headers);
          expect(reply.json).toEqual({ count: 2 });
          expect(app.log.take()).toEqual([{ name: 'session.user-logged-out', event: { userId: `bob-${platform}`, count: 2, except: undefined } }]);
          expect((await first.browser.get('/read')).json.data).toEqual({});
        });
      }
    });

    describeWith(kind.needs)(`session.expired on ${platform}, ${kind.name} store`, () => {
      let harness: CsrfStoreHarness;
      let app: TestApp & { log: EventLog };

      beforeAll(async () => {
        harness = await kind.open();
        app = await createEventsApp(platform, { store: harness.store, userKey: kind.serverSide ? 'userId' : undefined, absoluteTimeout: 1000 });
      });
      afterAll(async () => {
        await app?.close();
        await harness?.cleanup();
      });

      it('fires when a request brings a session past its timeout, with its id and user; a live one does not', async () => {
        const browser = new Browser(app.url);
        const login = await browser.post('/login', {});
        await browser.get('/read');
        app.log.take();
        await sleep(1300);
        const read = await browser.get('/read');
        expect(read.json.data).toEqual({});
        expect(app.log.take()).toEqual([{ name: 'session.expired', event: { sessionId: login.json.id, userId: kind.serverSide ? 'alice' : undefined } }]);
        if (kind.serverSide) {
          // The record was ended on sight: the same cookie again finds nothing to report.
          await browser.get('/read');
          expect(app.log.take()).toEqual([]);
        }
      });
    });
  }
}
