import { MemorySessionStore, SessionLimitError, SessionModule, SessionOptionsError, SessionStore, type SessionWrite } from '../../lib';
import { resolveOptions } from '../../lib/utils/resolve-options';
import { DevicesController, INDEXED_TARGETS } from '../devices/devices-app';
import { Browser, createTestApp, PLATFORMS, SECRET, type TestApp } from '../e2e/app';
import { describeTarget } from '../stores/harnesses/registry';
import type { StoreHarness } from '../stores/store-contract';

const REFUSED = {
  statusCode: 409,
  error: 'Conflict',
  message: 'This account already has 2 active sessions, the most allowed. Log out on another device first.',
};

async function logIn(app: TestApp, user: string): Promise<{ browser: Browser; status: number; body: unknown; cookies: string[] }> {
  const browser = new Browser(app.url);
  const reply = await browser.post('/login', { user });
  return { browser, status: reply.status, body: reply.json, cookies: reply.setCookies };
}

for (const target of INDEXED_TARGETS) {
  describeTarget(target)(`maxSessionsPerUser on the ${target.name} store`, () => {
    describe.each(PLATFORMS)('on %s', (platform) => {
      let harness: StoreHarness;
      let store: SessionStore;
      let refuse: TestApp;
      let evict: TestApp;

      beforeAll(async () => {
        harness = await target.open();
        store = harness.store;
        const module = (onLimit: 'refuse' | 'evict-oldest') => SessionModule.forRoot({ secret: SECRET, store, userKey: 'user', maxSessionsPerUser: 2, onLimit });
        refuse = await createTestApp(platform, [module('refuse')], [DevicesController]);
        evict = await createTestApp(platform, [module('evict-oldest')], [DevicesController]);
      }, 60000);
      afterAll(async () => {
        await refuse?.close();
        await evict?.close();
        await harness?.cleanup();
      });

      it("'refuse' answers the login over the limit with 409, no cookie, and writes nothing", async () => {
        const user = `ann-${platform}`;
        expect((await logIn(refuse, user)).status).toBe(200);
        expect((await logIn(refuse, user)).status).toBe(200);
        const third = await logIn(refuse, user);
        expect(third.status).toBe(409);
        expect(third.body).toEqual(REFUSED);
        expect(third.cookies).toEqual([]);
        expect((await third.browser.get('/whoami')).json.user).toBeNull();
        expect(await store.findByUser?.(user)).toHaveLength(2);
        // Another user is not affected.
        expect((await logIn(refuse, `bob-${platform}`)).status).toBe(200);
      });

      it("'refuse' lets a login in again once a device logged out", async () => {
        const user = `cy-${platform}`;
        const first = await logIn(refuse, user);
        await logIn(refuse, user);
        await first.browser.post('/logout');
        expect((await logIn(refuse, user)).status).toBe(200);
        expect(await store.findByUser?.(user)).toHaveLength(2);
      });

      it("'evict-oldest' logs the least recently seen session out to make room", async () => {
        const user = `dee-${platform}`;
        const a = await logIn(evict, user);
        const b = await logIn(evict, user);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await a.browser.post('/touch-cart'); // a is now seen after b
        const c = await logIn(evict, user);
        expect(c.status).toBe(200);
        expect((await a.browser.get('/whoami')).json.user).toBe(user);
        expect((await b.browser.get('/whoami')).json.user).toBeNull();
        expect((await c.browser.get('/whoami')).json.user).toBe(user);
        expect(await store.findByUser?.(user)).toHaveLength(2);
      });

      it('holds under concurrent logins of one user', async () => {
        const user = `eve-${platform}`;
        const refused = await Promise.all(Array.from({ length: 6 }, () => logIn(refuse, user)));
        expect(refused.map((r) => r.status).sort()).toEqual([200, 200, 409, 409, 409, 409]);
        expect(await store.findByUser?.(user)).toHaveLength(2);
        const other = `fay-${platform}`;
        const evicted = await Promise.all(Array.from({ length: 6 }, () => logIn(evict, other)));
        expect(evicted.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
        expect(await store.findByUser?.(other)).toHaveLength(2);
      });
    });
  });
}

describe('a store without lockUser()', () => {
  it('has maxSessionsPerUser refused at startup, naming the option and the fix', async () => {
    // A store of an app's own, with a user index but no lock (it keeps its data in a memory store).
    const inner = new MemorySessionStore();
    class CustomStore extends SessionStore {
      get = (id: string) => inner.get(id);
      save = (id: string, write: SessionWrite) => inner.save(id, write);
      touch = (id: string, touchedAt: number, ttl: number) => inner.touch(id, touchedAt, ttl);
      destroy = (id: string) => inner.destroy(id);
      override findByUser = (userId: string) => inner.findByUser(userId);
    }
    const module = SessionModule.forRoot({ secret: SECRET, store: new CustomStore(), userKey: 'user', maxSessionsPerUser: 2 });
    const failure = await createTestApp('express', [module], [DevicesController]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SessionOptionsError);
    expect((failure as Error).message).toBe(
      'nest-session: maxSessionsPerUser needs a store that can lock a user across app processes; CustomStore has no lockUser() (every built-in store has one). Implement lockUser() in your store, or remove maxSessionsPerUser.',
    );
  });
});

describe('limit options', () => {
  it('refuses a limit without userKey, a bad number and an unknown mode', () => {
    const base = { secret: SECRET };
    expect(() => resolveOptions({ ...base, maxSessionsPerUser: 2 })).toThrow(/maxSessionsPerUser needs the userKey option/);
    expect(() => resolveOptions({ ...base, userKey: 'u', maxSessionsPerUser: 0 })).toThrow(/maxSessionsPerUser must be a whole number of at least 1, not 0/);
    expect(() => resolveOptions({ ...base, userKey: 'u', maxSessionsPerUser: 1.5 })).toThrow(/maxSessionsPerUser/);
    expect(() => resolveOptions({ ...base, userKey: 'u', maxSessionsPerUser: 2, onLimit: 'kick' as never })).toThrow(/onLimit must be 'refuse' or 'evict-oldest'/);
  });

  it('has a stable code for apps that catch it', () => {
    const error = new SessionLimitError(3);
    expect([error.name, error.code, error.getStatus()]).toEqual(['SessionLimitError', 'SESSION_LIMIT', 409]);
  });
});
