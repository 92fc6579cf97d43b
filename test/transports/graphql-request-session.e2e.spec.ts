import { MemorySessionStore } from '../../lib';
import { Browser, type TestApp } from '../e2e/app';
import { CountingStore } from './counting-store';
import { createGraphqlApp, GRAPHQL_DRIVERS, graphqlBody } from './graphql-app';

/**
 * With `requestSession: true` (Passport), the session is opened before GraphQL runs, by the
 * middleware: GraphQL still saves it once, when the response is sent, not after the first resolver.
 */
describe.each(GRAPHQL_DRIVERS)('GraphQL with requestSession: $name', (driver) => {
  const store = new CountingStore(new MemorySessionStore());
  let app: TestApp;
  beforeAll(async () => {
    app = await createGraphqlApp(driver, { store, requestSession: true });
  });
  afterAll(() => app?.close());

  it('saves once, before the response, a session the middleware opened', async () => {
    const browser = new Browser(app.url);
    store.reset();
    const login = await browser.post('/graphql', graphqlBody('mutation { login(name: "ada") }'));
    expect(login.json).toEqual({ data: { login: true } });
    expect(login.setCookies.some((c) => c.startsWith('session='))).toBe(true);
    expect(store.calls).toEqual({ get: 0, save: 1, touch: 0, destroy: 0 });

    store.reset();
    const many = await browser.post('/graphql', graphqlBody('{ a: visit b: visit whoami }'));
    expect(many.json).toEqual({ data: { a: 1, b: 2, whoami: 'ada' } });
    expect(store.calls).toEqual({ get: 1, save: 1, touch: 0, destroy: 0 });
    expect((await browser.post('/graphql', graphqlBody('{ visit }'))).json).toEqual({ data: { visit: 3 } });
  });
});
