import { Controller, Get, Post } from '@nestjs/common';
import { MemorySessionStore, Session, SessionModule, SessionStore } from '../../lib';
import { Browser, cookieAttributes, createTestApp, PLATFORMS, SECRET, TestApp } from './app';

@Controller()
class AuthController {
  @Post('browse')
  browse(@Session() session: Session) {
    session.set('cart', ['book']);
    return { id: session.id };
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

  @Post('logout-with-flash')
  async logoutWithFlash(@Session() session: Session) {
    await session.destroy();
    session.flash('You are logged out');
    return { id: session.id };
  }

  @Get('whoami')
  whoami(@Session() session: Session) {
    const messages = session.getFlashedMessages();
    return { data: session.toJSON(), messages };
  }
}

const idOf = (cookie: string | undefined) => (cookie ?? '').split('.')[0];

describe.each(PLATFORMS)('regenerate and destroy on %s', (platform) => {
  describe('memory store', () => {
    let app: TestApp;
    let store: SessionStore;
    beforeAll(async () => {
      app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store: new MemorySessionStore() })], [AuthController]);
      store = app.app.get(SessionStore);
    });
    afterAll(() => app.close());

    it('moves the data to a new id on login and makes the old cookie worthless', async () => {
      const browser = new Browser(app.url);
      const oldId = (await browser.post('/browse')).json.id;
      const oldCookie = browser.jar.get('session');
      const login = await browser.post('/login');
      expect(login.json.id).not.toBe(oldId);
      expect(browser.jar.get('session')).not.toBe(oldCookie);
      expect(idOf(browser.jar.get('session'))).toBe(login.json.id);
      expect(await store.get(oldId)).toBeNull();
      expect((await store.get(login.json.id))?.data).toEqual({ cart: ['book'], user: 'ada' });
      expect((await browser.get('/whoami')).json.data).toEqual({ cart: ['book'], user: 'ada' });
      const attacker = new Browser(app.url);
      attacker.jar.set('session', oldCookie as string);
      expect((await attacker.get('/whoami')).json.data).toEqual({});
    });

    it('deletes the record and the cookie on logout', async () => {
      const browser = new Browser(app.url);
      const id = (await browser.post('/browse')).json.id;
      const reply = await browser.post('/logout');
      expect(cookieAttributes(reply.setCookies[0])['max-age']).toBe('0');
      expect(await store.get(id)).toBeNull();
      expect(browser.jar.size).toBe(0);
    });

    it('puts a flash written after destroy into a brand-new session', async () => {
      const browser = new Browser(app.url);
      const oldId = (await browser.post('/browse')).json.id;
      const reply = await browser.post('/logout-with-flash');
      const newId = reply.json.id;
      expect(newId).not.toBe(oldId);
      expect(idOf(browser.jar.get('session'))).toBe(newId);
      expect(await store.get(oldId)).toBeNull();
      expect((await store.get(newId))?.data).toEqual({ _flashes: [['message', 'You are logged out']] });
      expect((await browser.get('/whoami')).json).toEqual({ data: {}, messages: ['You are logged out'] });
    });
  });

  describe('cookie store', () => {
    let app: TestApp;
    beforeAll(async () => (app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET })], [AuthController])));
    afterAll(() => app.close());

    it('deletes the cookie on logout', async () => {
      const browser = new Browser(app.url);
      await browser.post('/browse');
      const reply = await browser.post('/logout');
      expect(cookieAttributes(reply.setCookies[0])).toMatchObject({ value: '', 'max-age': '0', path: '/' });
      expect(browser.jar.size).toBe(0);
    });

    it('keeps a flash written after destroy, and nothing else', async () => {
      const browser = new Browser(app.url);
      await browser.post('/browse');
      await browser.post('/logout-with-flash');
      expect((await browser.get('/whoami')).json).toEqual({ data: {}, messages: ['You are logged out'] });
    });
  });
});
