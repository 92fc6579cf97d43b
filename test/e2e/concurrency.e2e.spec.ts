import { Controller, Get, Param, Post } from '@nestjs/common';
import { MemorySessionStore, Session, SessionModule, SessionStore } from '../../lib';
import { Browser, cookieAttributes, createTestApp, PLATFORMS, SECRET, TestApp } from './app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@Controller()
class TabsController {
  @Post('set/:key')
  set(@Session() session: Session, @Param('key') key: string) {
    session.set(key, true);
    return { id: session.id };
  }

  @Post('slow')
  async slow(@Session() session: Session) {
    await sleep(300);
    session.set('slow', true);
  }

  @Post('login')
  async login(@Session() session: Session) {
    session.set('user', 'ada');
    await session.regenerate();
    return { id: session.id };
  }

  @Post('logout')
  async logout(@Session() session: Session) {
    await session.destroy();
  }

  @Get('keys')
  keys(@Session() session: Session) {
    return session.keys().sort();
  }
}

describe.each(PLATFORMS)('concurrent requests on one session on %s (memory store)', (platform) => {
  let app: TestApp;
  let store: SessionStore;
  beforeAll(async () => {
    app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store: new MemorySessionStore() })], [TabsController]);
    store = app.app.get(SessionStore);
  });
  afterAll(() => app.close());

  it('keeps every key written by 100 parallel requests', async () => {
    const browser = new Browser(app.url);
    await browser.post('/set/first');
    const keys = Array.from({ length: 100 }, (_, i) => `key${String(i).padStart(3, '0')}`);
    const replies = await Promise.all(keys.map((key) => browser.post(`/set/${key}`)));
    expect(replies.map((reply) => reply.status)).toEqual(keys.map(() => 201));
    expect(new Set(replies.map((reply) => reply.json.id)).size).toBe(1);
    expect((await browser.get('/keys')).json).toEqual(['first', ...keys]);
  });

  it('lets a logout win over a slower request that saves after it', async () => {
    const browser = new Browser(app.url);
    const { id } = (await browser.post('/set/user')).json;
    const cookie = browser.jar.get('session') as string;

    const slow = browser.post('/slow');
    await sleep(50);
    const logout = await browser.post('/logout');
    expect(cookieAttributes(logout.setCookies[0])['max-age']).toBe('0');
    const late = await slow;

    expect(late.status).toBe(201);
    // The late response neither revives nor re-deletes: the logout's response already removed it.
    expect(late.setCookies).toEqual([]);
    expect(browser.jar.has('session')).toBe(false);
    expect(await store.get(id)).toBeNull();
    const replay = new Browser(app.url);
    replay.jar.set('session', cookie);
    expect((await replay.get('/keys')).json).toEqual([]);
    expect(await store.get(id)).toBeNull();
  });

  it('keeps a login (regenerate) in place when a slower request on the old id finishes after it', async () => {
    const browser = new Browser(app.url);
    const { id: oldId } = (await browser.post('/set/cart')).json;
    const slow = browser.post('/slow');
    await sleep(50);
    const { id: newId } = (await browser.post('/login')).json;
    await slow;

    expect(await store.get(oldId)).toBeNull();
    expect(browser.jar.get('session')?.split('.')[0]).toBe(newId);
    expect((await browser.get('/keys')).json).toEqual(['cart', 'user']);
  });
});
