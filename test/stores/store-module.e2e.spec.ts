import { Controller, Get, Param, Post } from '@nestjs/common';
import { Session, SessionModule, SessionService, SessionStore } from '../../lib';
import { SessionIdSigner } from '../../lib/utils/crypto';
import { Browser, createTestApp, PLATFORMS, SECRET, TestApp } from '../e2e/app';
import { describeTarget, STORE_TARGETS } from './harnesses/registry';
import type { StoreHarness } from './store-contract';

const SIGNED_ID = /^([A-Za-z0-9_-]{43})\.[A-Za-z0-9_-]{43}$/;
const idOf = (browser: Browser) => SIGNED_ID.exec(browser.jar.get('session') ?? '')?.[1];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@Controller()
class ShopController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login/:user')
  async login(@Session() session: Session, @Param('user') user: string) {
    await session.regenerate();
    session.set('uid', user);
    return { id: session.id };
  }

  @Post('set/:key')
  set(@Session() session: Session, @Param('key') key: string) {
    session.set(key, true);
    return { ok: true };
  }

  @Post('slow/:key')
  async slow(@Session() session: Session, @Param('key') key: string) {
    session.get('uid');
    await sleep(300);
    session.set(key, true);
    return { ok: true };
  }

  @Get('keys')
  keys(@Session() session: Session) {
    return { id: session.id, isNew: session.isNew, keys: session.keys().sort() };
  }

  @Post('logout')
  async logout(@Session() session: Session) {
    await session.destroy();
    return { ok: true };
  }

  @Post('logout-others')
  async logoutOthers(@Session() session: Session) {
    return { destroyed: await this.sessions.destroyUserSessions(session.get('uid'), { except: session.id }) };
  }
}

for (const target of STORE_TARGETS) {
  describeTarget(target)(`the ${target.name} store through SessionModule`, () => {
    describe.each(PLATFORMS)('on %s', (platform) => {
      let harness: StoreHarness;
      let app: TestApp;
      let store: SessionStore;

      beforeAll(async () => {
        harness = await target.open();
        store = harness.store;
        app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store, userKey: 'uid' })], [ShopController]);
      }, 60000);
      afterAll(async () => {
        await app?.close();
        await harness?.cleanup();
      });

      it('stores the data under a signed random id and only the id travels in the cookie', async () => {
        const browser = new Browser(app.url);
        await browser.post('/login/ann');
        const id = idOf(browser) as string;
        expect(id).toBeDefined();
        expect((await store.get(id))?.data).toEqual({ uid: 'ann' });
        expect((await browser.get('/keys')).json).toEqual({ id, isNew: false, keys: ['uid'] });
      });

      it('regenerates on login: new id, same data, the old record gone', async () => {
        const browser = new Browser(app.url);
        await browser.post('/set/cart');
        const before = idOf(browser) as string;
        await browser.post('/login/bob');
        const after = idOf(browser) as string;
        expect(after).not.toBe(before);
        expect(await store.get(before)).toBeNull();
        expect((await store.get(after))?.data).toEqual({ cart: true, uid: 'bob' });
      });

      it('keeps all 100 keys of 100 parallel requests on one session', async () => {
        const browser = new Browser(app.url);
        await browser.post('/login/carol');
        const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => browser.post(`/set/k${i}`)));
        expect(replies.filter((reply) => reply.status !== 201).map((reply) => `${reply.status} ${reply.body}`)).toEqual([]);
        const { keys } = (await browser.get('/keys')).json;
        expect(keys).toHaveLength(101);
        expect(keys).toEqual(expect.arrayContaining(Array.from({ length: 100 }, (_, i) => `k${i}`)));
      }, 30000);

      it('keeps a logged-out session dead when a slower request saves after the logout', async () => {
        const browser = new Browser(app.url);
        await browser.post('/login/dan');
        const id = idOf(browser) as string;
        const slow = browser.post('/slow/late');
        await sleep(50);
        const other = new Browser(app.url);
        other.jar.set('session', browser.jar.get('session') as string);
        await other.post('/logout');
        const late = await slow;
        expect(late.status).toBe(201);
        // Neither revived nor re-deleted: the logout's own response already removed the cookie.
        expect(late.setCookies).toEqual([]);
        expect(await store.get(id)).toBeNull();
        expect((await browser.get('/keys')).json.isNew).toBe(true);
      });

      it('never adopts an id it did not issue, even one correctly signed', async () => {
        const planted = 'P'.repeat(43);
        const browser = new Browser(app.url);
        browser.jar.set('session', new SessionIdSigner([SECRET]).sign(planted));
        await browser.post('/set/x');
        expect(idOf(browser)).not.toBe(planted);
        expect(await store.get(planted)).toBeNull();
      });

      it('logs a user out everywhere but here, leaving other users alone', async () => {
        if (!store.findByUser) return;
        const [here, there, stranger] = [new Browser(app.url), new Browser(app.url), new Browser(app.url)];
        const user = `erin-${platform}-${Date.now()}`;
        await here.post(`/login/${user}`);
        await there.post(`/login/${user}`);
        await stranger.post(`/login/${user}-other`);
        expect((await here.post('/logout-others')).json).toEqual({ destroyed: 1 });
        expect((await there.get('/keys')).json.isNew).toBe(true);
        expect((await here.get('/keys')).json.keys).toEqual(['uid']);
        expect((await stranger.get('/keys')).json.keys).toEqual(['uid']);
      });
    });

    describe('timeouts enforced on the server', () => {
      let harness: StoreHarness;
      let idle: TestApp;
      let absolute: TestApp;
      beforeAll(async () => {
        harness = await target.open();
        idle = await createTestApp('express', [SessionModule.forRoot({ secret: SECRET, store: harness.store, idleTimeout: 1500 })], [ShopController]);
        absolute = await createTestApp('fastify', [SessionModule.forRoot({ secret: SECRET, store: harness.store, absoluteTimeout: 2500 })], [ShopController]);
      }, 60000);
      afterAll(async () => {
        await idle?.close();
        await absolute?.close();
        await harness?.cleanup();
      });

      it('ends a session idle for longer than idleTimeout, and keeps an active one', async () => {
        const active = new Browser(idle.url);
        const idler = new Browser(idle.url);
        await active.post('/set/a');
        await idler.post('/set/a');
        for (let i = 0; i < 3; i++) {
          await sleep(700);
          expect((await active.get('/keys')).json.keys).toEqual(['a']);
        }
        expect((await idler.get('/keys')).json.isNew).toBe(true);
      }, 20000);

      it('ends a session absoluteTimeout after it began, however active', async () => {
        const browser = new Browser(absolute.url);
        await browser.post('/set/a');
        await sleep(1200);
        expect((await browser.get('/keys')).json.keys).toEqual(['a']);
        await sleep(1500);
        expect((await browser.get('/keys')).json.isNew).toBe(true);
      }, 20000);
    });
  });
}
