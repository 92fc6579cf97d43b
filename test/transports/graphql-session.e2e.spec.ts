import { Browser, type TestApp } from '../e2e/app';
import type { CountingStore } from './counting-store';
import { createGraphqlApp, GRAPHQL_DRIVERS, graphqlBody } from './graphql-app';
import { COOKIE_STORE, describeStore, REDIS_STORE, SQLITE_STORE } from './transport-stores';

/**
 * The session in GraphQL, on every driver and store: one HTTP request is one session cycle,
 * opened at most once and saved at most once before the response, however many resolvers ran.
 */
describe.each(GRAPHQL_DRIVERS)('GraphQL: $name', (driver) => {
  describe.each([COOKIE_STORE, REDIS_STORE, SQLITE_STORE])('$name', (target) => {
    describeStore(target)('', () => {
      let app: TestApp;
      let store: CountingStore | undefined;
      let cleanup: () => Promise<void>;
      beforeAll(async () => {
        const opened = await target.open();
        store = opened.store;
        cleanup = opened.cleanup;
        app = await createGraphqlApp(driver, { store });
      });
      afterAll(async () => {
        await app?.close();
        await cleanup?.();
      });

      const gql = (browser: Browser, body: unknown) => browser.post('/graphql', body);
      /** Store calls of one request (the cookie store makes none: an empty object). */
      const counted = async <T>(run: () => Promise<T>) => {
        store?.reset();
        const result = await run();
        return { result, calls: store ? { ...store.calls } : undefined };
      };

      it("gives a new visitor's mutation a Set-Cookie, and the next query sees the write", async () => {
        const browser = new Browser(app.url);
        const login = await counted(() => gql(browser, graphqlBody('mutation { login(name: "ada") }')));
        expect(login.result.status).toBe(200);
        expect(login.result.json).toEqual({ data: { login: true } });
        expect(login.result.setCookies.some((c) => c.startsWith('session='))).toBe(true);
        if (login.calls) expect(login.calls).toEqual({ get: 0, save: 1, touch: 0, destroy: 0 });

        const who = await counted(() => gql(browser, graphqlBody('{ whoami current profile { name } }')));
        expect(who.result.json).toEqual({ data: { whoami: 'ada', current: 'ada', profile: { name: 'ada' } } });
        if (who.calls) expect(who.calls).toEqual({ get: 1, save: 0, touch: 0, destroy: 0 });
      });

      it('opens once and saves once for many resolvers and aliases, before the response', async () => {
        const browser = new Browser(app.url);
        await gql(browser, graphqlBody('mutation { login(name: "bob") }'));
        const many = await counted(() => gql(browser, graphqlBody('{ a: visit b: visit c: visit guarded whoami profile { name } again: profile { name } }')));
        expect(many.result.json).toEqual({ data: { a: 1, b: 2, c: 3, guarded: 1, whoami: 'bob', profile: { name: 'bob' }, again: { name: 'bob' } } });
        if (many.calls) expect(many.calls).toEqual({ get: 1, save: 1, touch: 0, destroy: 0 });
        // The cookie store's one save is the one Set-Cookie, with all three visits in it.
        if (!store) expect(many.result.setCookies.filter((c) => c.startsWith('session='))).toHaveLength(1);
        expect((await gql(browser, graphqlBody('{ visit guarded }'))).json).toEqual({ data: { visit: 4, guarded: 2 } });
      });

      it('saves once for a batch of operations', async () => {
        const browser = new Browser(app.url);
        await gql(browser, graphqlBody('mutation { login(name: "cy") }'));
        const batch = await counted(() => gql(browser, [graphqlBody('{ a: visit }'), graphqlBody('{ b: visit }'), graphqlBody('mutation { login(name: "cyd") }')]));
        expect(batch.result.json).toEqual([{ data: { a: 1 } }, { data: { b: 2 } }, { data: { login: true } }]);
        if (batch.calls) expect(batch.calls).toEqual({ get: 1, save: 1, touch: 0, destroy: 0 });
        expect((await gql(browser, graphqlBody('{ whoami visit }'))).json).toEqual({ data: { whoami: 'cyd', visit: 3 } });
      });

      it('keeps the write of a resolver that then throws; the error goes to errors[]', async () => {
        const browser = new Browser(app.url);
        const failed = await counted(() => gql(browser, graphqlBody('mutation { writeThenThrow }')));
        expect(failed.result.json.errors.map((e: { message: string }) => e.message)).toEqual(['resolver failed after writing']);
        expect(failed.result.setCookies.some((c) => c.startsWith('session='))).toBe(true);
        if (failed.calls) expect(failed.calls).toEqual({ get: 0, save: 1, touch: 0, destroy: 0 });
        const after = await gql(browser, graphqlBody('{ value(key: "written") }'));
        expect(after.json).toEqual({ data: { value: '"before the error"' } });
      });

      it('saves what a guard wrote before it denied', async () => {
        const browser = new Browser(app.url);
        await gql(browser, graphqlBody('mutation { login(name: "fay") }'));
        const denied = await counted(() => gql(browser, graphqlBody('{ denied }')));
        expect(denied.result.json.errors.map((e: { message: string }) => e.message)).toEqual(['Forbidden resource']);
        if (denied.calls) expect(denied.calls).toEqual({ get: 1, save: 1, touch: 0, destroy: 0 });
        await gql(browser, graphqlBody('{ denied }'));
        expect((await gql(browser, graphqlBody('{ value(key: "denied") }'))).json).toEqual({ data: { value: '2' } });
      });

      it('costs no store call and no cookie when no resolver touches the session', async () => {
        const browser = new Browser(app.url);
        await gql(browser, graphqlBody('mutation { login(name: "dee") }'));
        const ping = await counted(() => gql(browser, graphqlBody('{ ping }')));
        expect(ping.result.json).toEqual({ data: { ping: 'pong' } });
        expect(ping.result.setCookies).toEqual([]);
        expect(ping.result.headers.get('vary') ?? '').not.toMatch(/cookie/i);
        if (ping.calls) expect(ping.calls).toEqual({ get: 0, save: 0, touch: 0, destroy: 0 });
      });

      it('reads no cookie, a garbage cookie or a forged one as an empty session, never a GraphQL error', async () => {
        for (const cookie of [undefined, 'session=garbage', 'session=' + 'A'.repeat(43) + '.forged', `session=${'x'.repeat(5000)}`, 'session=a; session=b']) {
          const browser = new Browser(app.url);
          const headers: Record<string, string> = cookie ? { cookie } : {};
          const reply = await counted(() => browser.post('/graphql', graphqlBody('{ whoami current profile { name } }'), headers));
          expect(reply.result.status).toBe(200);
          expect(reply.result.json).toEqual({ data: { whoami: null, current: null, profile: { name: null } } });
          // Nothing signed by this server: no id reaches the store.
          if (reply.calls) expect(reply.calls).toEqual({ get: 0, save: 0, touch: 0, destroy: 0 });
        }
      });

      it('logs out through a mutation: the cookie is deleted and the session is gone', async () => {
        const browser = new Browser(app.url);
        await gql(browser, graphqlBody('mutation { login(name: "eve") }'));
        const logout = await gql(browser, graphqlBody('mutation { logout }'));
        expect(logout.json).toEqual({ data: { logout: true } });
        expect(browser.jar.has('session')).toBe(false);
        expect((await gql(browser, graphqlBody('{ whoami }'))).json).toEqual({ data: { whoami: null } });
      });
    });
  });
});
