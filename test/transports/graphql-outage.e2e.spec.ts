import { MemorySessionStore } from '../../lib';
import { Browser, type TestApp } from '../e2e/app';
import { CountingStore } from './counting-store';
import { createGraphqlApp, GRAPHQL_DRIVERS, graphqlBody } from './graphql-app';

/**
 * A store that fails during a GraphQL request: a failed read reaches the resolvers that asked as
 * an error in `errors[]`; a failed save turns the response into the 503 a REST route gives, with
 * nothing written and no cookie.
 */
describe.each(GRAPHQL_DRIVERS)('GraphQL with a failing store: $name', (driver) => {
  const store = new CountingStore(new MemorySessionStore());
  let app: TestApp;
  beforeAll(async () => {
    app = await createGraphqlApp(driver, { store });
  });
  afterAll(() => app?.close());
  afterEach(() => store.failing.clear());

  it('answers 503 when the save fails, writes nothing and sends no cookie', async () => {
    const browser = new Browser(app.url);
    await browser.post('/graphql', graphqlBody('mutation { login(name: "ada") }'));
    const cookie = browser.jar.get('session');
    store.failing.add('save');
    const failed = await browser.post('/graphql', graphqlBody('mutation { login(name: "mallory") }'));
    expect(failed.status).toBe(503);
    expect(failed.json).toMatchObject({ statusCode: 503, message: 'The session store is unavailable; try again shortly.' });
    expect(failed.setCookies).toEqual([]);
    store.failing.clear();
    expect(browser.jar.get('session')).toBe(cookie);
    expect((await browser.post('/graphql', graphqlBody('{ whoami }'))).json).toEqual({ data: { whoami: 'ada' } });
  });

  it('gives the resolvers that read a failed store an error in errors[]; the others answer', async () => {
    const browser = new Browser(app.url);
    await browser.post('/graphql', graphqlBody('mutation { login(name: "ada") }'));
    store.failing.add('get');
    const reply = await browser.post('/graphql', graphqlBody('{ ping whoami }'));
    expect(reply.json.errors.map((e: { message: string }) => e.message)).toEqual(['The session store is unavailable; try again shortly.']);
    expect(reply.json.data).toEqual({ ping: 'pong', whoami: null });
    expect(reply.setCookies).toEqual([]);
  });
});
