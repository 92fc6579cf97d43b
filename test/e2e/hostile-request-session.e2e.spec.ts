import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { MemorySessionStore, SessionModule, type SessionStore } from '../../lib';
import { Browser, cookieAttributes, createTestApp, PLATFORMS, SECRET, type TestApp } from './app';

/**
 * Issue 21, findings 6 and 8, through `req.session` (requestSession: true), as express-session and
 * cookie-session apps write it: `req.session = null` was ignored (still logged in), assigning
 * `req.sessionID` threw a TypeError (500), and `req.session.flash = {...}` was silently dropped,
 * which broke connect-flash.
 */

/** connect-flash 0.1.1's `req.flash`, verbatim but for the types (MIT, Jared Hanson). */
/* eslint-disable @typescript-eslint/prefer-nullish-coalescing, @typescript-eslint/no-dynamic-delete -- third-party code as it ships */
function connectFlash(this: any, type?: string, msg?: string): any {
  if (this.session === undefined) throw Error('req.flash() requires sessions');
  const msgs = (this.session.flash = this.session.flash || {});
  if (type && msg) {
    return (msgs[type] = msgs[type] || []).push(msg);
  } else if (type) {
    const arr = msgs[type] || [];
    delete msgs[type];
    return arr;
  } else {
    this.session.flash = {};
    return msgs;
  }
}
/* eslint-enable @typescript-eslint/prefer-nullish-coalescing, @typescript-eslint/no-dynamic-delete */

@Controller()
class ExpressStyleController {
  @Post('login')
  @HttpCode(200)
  login(@Req() req: any) {
    req.session.uid = 'ada';
    return { id: req.sessionID };
  }

  @Get('me')
  me(@Req() req: any) {
    return { uid: req.session.uid ?? null, id: req.sessionID ?? null };
  }

  @Post('logout-null')
  @HttpCode(200)
  logout(@Req() req: any) {
    req.session = null;
    return { after: req.session?.uid ?? null };
  }

  @Post('replace')
  @HttpCode(200)
  replace(@Req() req: any) {
    req.session = { cart: ['tea'] };
    return { keys: Object.keys(req.session) };
  }

  @Post('assign-id')
  @HttpCode(200)
  assignId(@Req() req: any) {
    const before = req.sessionID;
    req.sessionID = 'attacker-chosen';
    return { same: req.sessionID === before };
  }

  @Post('flash')
  @HttpCode(200)
  flash(@Req() req: any) {
    connectFlash.call(req, 'info', 'Saved');
    connectFlash.call(req, 'info', 'Twice');
    return { ok: true };
  }

  @Get('flash')
  read(@Req() req: any) {
    return { info: connectFlash.call(req, 'info') };
  }

  @Post('member/:name')
  @HttpCode(200)
  member(@Req() req: any) {
    req.session.keys = ['a'];
    return { ok: true };
  }

  @Post('member-set')
  @HttpCode(200)
  memberSet(@Req() req: any) {
    req.session.set('keys', ['a']);
    return { keys: req.session.get('keys'), members: typeof req.session.keys };
  }
}

const KINDS: { name: string; store?: () => SessionStore }[] = [{ name: 'cookie store' }, { name: 'memory store', store: () => new MemorySessionStore() }];

describe.each(PLATFORMS)('req.session as express-session and cookie-session apps use it, on %s', (platform) => {
  describe.each(KINDS)('$name', ({ store: makeStore }) => {
    let app: TestApp;
    let store: SessionStore | undefined;
    beforeAll(async () => {
      store = makeStore?.();
      app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store, requestSession: true })], [ExpressStyleController]);
    });
    afterAll(() => app?.close());

    it('req.session = null logs out: the cookie is deleted, the stored record is gone, the next request is anonymous', async () => {
      const browser = new Browser(app.url);
      const { id } = (await browser.post('/login')).json;
      expect((await browser.get('/me')).json).toEqual({ uid: 'ada', id });
      const stolen = new Map(browser.jar);
      const reply = await browser.post('/logout-null');
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ after: null });
      expect(reply.setCookies).toHaveLength(1);
      expect(cookieAttributes(reply.setCookies[0])['max-age']).toBe('0');
      expect((await browser.get('/me')).json.uid).toBeNull();
      if (store) {
        expect(await store.get(id)).toBeNull();
        // A copy of the old cookie no longer opens the session.
        const replay = Object.assign(new Browser(app.url), { jar: stolen });
        expect((await replay.get('/me')).json.uid).toBeNull();
      }
    });

    it('req.session = { ... } replaces the data, as in cookie-session', async () => {
      const browser = new Browser(app.url);
      await browser.post('/login');
      expect((await browser.post('/replace')).json).toEqual({ keys: ['cart'] });
      expect((await browser.get('/me')).json.uid).toBeNull();
    });

    it('assigning req.sessionID is ignored, never a 500: only the server issues ids', async () => {
      const browser = new Browser(app.url);
      const { id } = (await browser.post('/login')).json;
      const reply = await browser.post('/assign-id');
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ same: true });
      expect((await browser.get('/me')).json).toEqual({ uid: 'ada', id });
    });

    it('connect-flash works: req.session.flash is data, kept until it is read', async () => {
      const browser = new Browser(app.url);
      expect((await browser.post('/flash')).status).toBe(200);
      expect((await browser.get('/flash')).json).toEqual({ info: ['Saved', 'Twice'] });
      expect((await browser.get('/flash')).json).toEqual({ info: [] });
    });

    it('assigning data to a member name is refused with the fix, never silently dropped; set() stores it', async () => {
      const browser = new Browser(app.url);
      const refused = await browser.post('/member/keys');
      expect(refused.status).toBe(500);
      expect(refused.json).toEqual({ statusCode: 500, message: 'Internal server error' });
      expect((await browser.post('/member-set')).json).toEqual({ keys: ['a'], members: 'function' });
    });
  });
});
