import { Browser, PLATFORMS } from '../e2e/app';
import type { CountingStore } from './counting-store';
import { connectClient, createGatewayApp, type GatewayApp, type GatewayKind } from './gateway-app';
import { COOKIE_STORE, describeStore, POSTGRES_STORE, REDIS_STORE } from './transport-stores';

const KINDS: GatewayKind[] = ['socket.io', 'ws'];

/**
 * The session in WebSocket gateways: read from the handshake's cookie, anew for each message;
 * a write to a session the store holds is saved after the handler; what needs a new cookie fails
 * with a gateway error the client receives, and the socket stays up.
 */
describe.each(KINDS)('%s gateway', (kind) => {
  describe.each(PLATFORMS)('on %s', (platform) => {
    describe.each([COOKIE_STORE, REDIS_STORE, POSTGRES_STORE])('$name', (target) => {
      describeStore(target)('', () => {
        let app: GatewayApp;
        let store: CountingStore | undefined;
        let cleanup: () => Promise<void>;
        beforeAll(async () => {
          const opened = await target.open();
          store = opened.store;
          cleanup = opened.cleanup;
          app = await createGatewayApp(platform, kind, { store });
        });
        afterAll(async () => {
          await app?.close();
          await cleanup?.();
        });

        /** A browser logged in over REST, and its cookie header for the handshake. */
        async function loggedIn() {
          const browser = new Browser(app.url);
          await browser.post('/login');
          return { browser, cookie: `session=${browser.jar.get('session')}` };
        }

        it('reads the session in handlers, guards, current() and handleConnection', async () => {
          const { cookie } = await loggedIn();
          const client = await connectClient(kind, app.url, cookie);
          try {
            expect(await client.send('connected')).toEqual({ event: 'connected', data: 'ada' });
            expect(await client.send('whoami')).toEqual({ event: 'whoami', data: 'ada' });
            expect(await client.send('current')).toEqual({ event: 'current', data: 'ada' });
            expect(await client.send('guarded')).toEqual({ event: 'guarded', data: 'ada' });
          } finally {
            client.close();
          }
        });

        if (kind === 'socket.io') {
          it('reads the session when the handshake was a long-polling request', async () => {
            const { cookie } = await loggedIn();
            const client = await connectClient(kind, app.url, cookie, true);
            try {
              expect(await client.send('whoami')).toEqual({ event: 'whoami', data: 'ada' });
              expect(await client.send('connected')).toEqual({ event: 'connected', data: 'ada' });
            } finally {
              client.close();
            }
          });
        }

        it('costs one store read per message that uses the session, none for the others', async () => {
          if (!store) return;
          const { cookie } = await loggedIn();
          const client = await connectClient(kind, app.url, cookie);
          try {
            await client.send('connected');
            store.reset();
            for (let i = 0; i < 20; i++) expect((await client.send('whoami')).data).toBe('ada');
            expect(store.calls).toEqual({ get: 20, save: 0, touch: 0, destroy: 0 });
            store.reset();
            for (let i = 0; i < 20; i++) expect((await client.send('ping')).data).toBe('pong');
            expect(store.calls).toEqual({ get: 0, save: 0, touch: 0, destroy: 0 });
          } finally {
            client.close();
          }
        });

        it('a guard without a session answers with its gateway error; the socket stays up', async () => {
          const client = await connectClient(kind, app.url);
          try {
            expect(await client.send('guarded')).toMatchObject({ event: 'exception', data: { status: 'error', message: 'login first' } });
            expect(await client.send('ping')).toEqual({ event: 'ping', data: 'pong' });
          } finally {
            client.close();
          }
        });

        it('reads a forged, garbage, oversized or duplicated handshake cookie as an empty session; the socket stays up', async () => {
          const { cookie } = await loggedIn();
          const forged = [
            'session=garbage',
            `session=${'A'.repeat(43)}.forged-signature`,
            `session=${'x'.repeat(6000)}`,
            `session=${'%'.repeat(100)}`,
            `session=bad; ${cookie}; session=worse`,
          ];
          for (const header of forged) {
            store?.reset();
            const client = await connectClient(kind, app.url, header);
            try {
              const duplicated = header.includes(cookie);
              expect(await client.send('whoami')).toEqual({ event: 'whoami', data: duplicated ? 'ada' : null });
              expect(await client.send('ping')).toEqual({ event: 'ping', data: 'pong' });
              expect(client.connected()).toBe(true);
              // Nothing this server did not sign reaches the store.
              if (store && !duplicated) expect(store.calls.get).toBe(0);
            } finally {
              client.close();
            }
          }
        });

        it('refuses regenerate() with a gateway error the client receives', async () => {
          const { cookie } = await loggedIn();
          const client = await connectClient(kind, app.url, cookie);
          try {
            const answer = await client.send('regenerate');
            expect(answer.event).toBe('exception');
            expect(answer.data.message).toMatch(/^nest-session: a socket cannot regenerate the session/);
            expect(answer.data.message).toContain(`(${kind} gateway)`);
            expect(await client.send('whoami')).toEqual({ event: 'whoami', data: 'ada' });
          } finally {
            client.close();
          }
        });

        it('refuses a write when the handshake had no session, and stores nothing', async () => {
          const client = await connectClient(kind, app.url);
          try {
            store?.reset();
            const answer = await client.send('visit');
            expect(answer.event).toBe('exception');
            expect(answer.data.message).toMatch(
              store ? /^nest-session: a socket cannot start a session/ : /^nest-session: a socket cannot change a session kept in the cookie store/,
            );
            if (store) expect(store.calls).toEqual({ get: 0, save: 0, touch: 0, destroy: 0 });
            expect(await client.send('ping')).toEqual({ event: 'ping', data: 'pong' });
          } finally {
            client.close();
          }
        });

        if (target === COOKIE_STORE) {
          it('refuses a write to a cookie session: no cookie can be sent over a socket', async () => {
            const { cookie, browser } = await loggedIn();
            const client = await connectClient(kind, app.url, cookie);
            try {
              const answer = await client.send('visit');
              expect(answer).toMatchObject({ event: 'exception', data: { status: 'error' } });
              expect(answer.data.message).toMatch(/^nest-session: a socket cannot change a session kept in the cookie store/);
              expect((await browser.get('/me')).json).toEqual({ name: 'ada' });
            } finally {
              client.close();
            }
          });
          return;
        }

        it("saves a handler's write to the stored session after the handler, merged with REST writes", async () => {
          const { cookie, browser } = await loggedIn();
          const client = await connectClient(kind, app.url, cookie);
          try {
            store!.reset();
            expect(await client.send('visit')).toEqual({ event: 'visit', data: 1 });
            expect(store!.calls).toEqual({ get: 1, save: 1, touch: 0, destroy: 0 });
            expect(await client.send('visit')).toEqual({ event: 'visit', data: 2 });
            const me = await browser.get('/me');
            expect(me.json).toEqual({ name: 'ada', visits: 2 });
            // The socket changed the record, not the id: the browser's cookie is still the one it had.
            expect(me.setCookies.filter((c) => c.startsWith('session=')).every((c) => c.startsWith(cookie))).toBe(true);
          } finally {
            client.close();
          }
        });

        it('merges a socket write with a concurrent REST write to other keys', async () => {
          const { cookie, browser } = await loggedIn();
          const client = await connectClient(kind, app.url, cookie);
          try {
            const [visit, note] = await Promise.all([client.send('visit'), browser.post('/note')]);
            expect(visit).toEqual({ event: 'visit', data: 1 });
            expect(note.json).toEqual({ ok: true });
            expect((await browser.get('/me')).json).toEqual({ name: 'ada', visits: 1, note: 'from REST' });
          } finally {
            client.close();
          }
        });

        it('sees a REST logout at its next message', async () => {
          const { cookie, browser } = await loggedIn();
          const client = await connectClient(kind, app.url, cookie);
          try {
            expect(await client.send('whoami')).toEqual({ event: 'whoami', data: 'ada' });
            await browser.post('/logout');
            expect(await client.send('whoami')).toEqual({ event: 'whoami', data: null });
            expect((await client.send('guarded')).event).toBe('exception');
            // Writing to the ended session would start a new one: refused, nothing stored.
            store!.reset();
            expect((await client.send('visit')).data.message).toMatch(/^nest-session: a socket cannot start a session/);
            expect(store!.calls.save).toBe(0);
          } finally {
            client.close();
          }
        });

        it('logs out from the socket: the record is gone for REST too', async () => {
          const { cookie, browser } = await loggedIn();
          const client = await connectClient(kind, app.url, cookie);
          try {
            expect(await client.send('logout')).toEqual({ event: 'logout', data: true });
            expect((await browser.get('/me')).json).toEqual({});
          } finally {
            client.close();
          }
        });
      });
    });
  });
});
