import { setTimeout as sleep } from 'node:timers/promises';
import { MemorySessionStore } from '../../lib';
import { Browser, type TestApp } from '../e2e/app';
import { connectClient, createGatewayApp, type GatewayApp } from './gateway-app';
import { createGraphqlApp, GRAPHQL_DRIVERS, graphqlBody } from './graphql-app';

/**
 * A validly signed cookie whose session has expired: an empty session, on every transport.
 * Three seconds: the cookie's signed time counts whole seconds, so a 1 s lifetime could end as
 * little as 1 s after login, before a loaded machine sends the request that checks the login.
 */
const LIFETIME = 3000;
const KINDS: [name: string, store: () => MemorySessionStore | undefined][] = [
  ['cookie store', () => undefined],
  ['memory store', () => new MemorySessionStore()],
];

describe.each(KINDS)('an expired session (%s)', (_name, store) => {
  describe.each(GRAPHQL_DRIVERS)('GraphQL: $name', (driver) => {
    let app: TestApp;
    beforeAll(async () => {
      app = await createGraphqlApp(driver, { store: store(), lifetime: LIFETIME, permanent: true });
    });
    afterAll(() => app?.close());

    it('is an empty session, not a GraphQL error', async () => {
      const browser = new Browser(app.url);
      await browser.post('/graphql', graphqlBody('mutation { login(name: "ada") }'));
      expect((await browser.post('/graphql', graphqlBody('{ whoami }'))).json).toEqual({ data: { whoami: 'ada' } });
      await sleep(LIFETIME + 1100);
      const reply = await browser.post('/graphql', graphqlBody('{ whoami }'), { cookie: `session=${browser.jar.get('session')}` });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ data: { whoami: null } });
    });
  });

  describe('socket.io gateway', () => {
    let app: GatewayApp;
    beforeAll(async () => {
      app = await createGatewayApp('express', 'socket.io', { store: store(), lifetime: LIFETIME, permanent: true });
    });
    afterAll(() => app?.close());

    it('is an empty session; the socket stays up', async () => {
      const browser = new Browser(app.url);
      await browser.post('/login');
      const cookie = `session=${browser.jar.get('session')}`;
      const fresh = await connectClient('socket.io', app.url, cookie);
      expect(await fresh.send('whoami')).toEqual({ event: 'whoami', data: 'ada' });
      fresh.close();
      await sleep(LIFETIME + 1100);
      const client = await connectClient('socket.io', app.url, cookie);
      try {
        expect(await client.send('whoami')).toEqual({ event: 'whoami', data: null });
        expect(await client.send('ping')).toEqual({ event: 'ping', data: 'pong' });
      } finally {
        client.close();
      }
    });
  });
});
