import { Body, Controller, Get, Post } from '@nestjs/common';
import { Session, SessionModule, SessionService, type SessionStore } from '../../lib';
import { describeTarget, STORE_TARGETS } from '../stores/harnesses/registry';
import type { StoreHarness } from '../stores/store-contract';
import { Browser, createTestApp, PLATFORMS, SECRET, type TestApp } from './app';

/**
 * Issue 21 over HTTP, on every store and both platforms: a bigint user id (a Prisma BigInt) was
 * indexed as `{" n":"42"}` and never found; an object user id the same; on PostgreSQL and MariaDB
 * a 300-character id or a NUL made every login a 503, and on MariaDB 'alice ' logged alice out.
 */
type As = 'string' | 'number' | 'bigint' | 'object' | 'boolean';
interface UserBody {
  uid: string;
  as: As;
}

function userId({ uid, as }: UserBody): unknown {
  if (as === 'number') return Number(uid);
  if (as === 'bigint') return BigInt(uid);
  if (as === 'object') return { id: uid };
  if (as === 'boolean') return true;
  return uid;
}

@Controller()
class UsersController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login')
  async login(@Session() session: Session, @Body() body: UserBody) {
    await session.regenerate();
    session.set('uid', userId(body));
    return { id: session.id };
  }

  @Get('me')
  me(@Session() session: Session) {
    return { in: session.has('uid') };
  }

  @Post('sessions')
  async list(@Body() body: UserBody) {
    return { ids: await this.sessions.listUserSessions(userId(body) as string) };
  }

  @Post('logout-everywhere')
  async logoutEverywhere(@Body() body: UserBody) {
    return { destroyed: await this.sessions.destroyUserSessions(userId(body) as string) };
  }
}

// Cluster and Sentinel need their own topologies (their specs run apart); the rule is the store's.
const TARGETS = STORE_TARGETS.filter((target) => !/cluster|sentinel/.test(target.name));

for (const target of TARGETS) {
  describeTarget(target)(`user ids on the ${target.name} store`, () => {
    describe.each(PLATFORMS)('on %s', (platform) => {
      let harness: StoreHarness;
      let store: SessionStore;
      let app: TestApp;
      let client: Browser;
      const unique = () => `${Date.now()}${Math.floor(Math.random() * 1e6)}`;

      beforeAll(async () => {
        harness = await target.open();
        store = harness.store;
        app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store, userKey: 'uid' })], [UsersController]);
        client = new Browser(app.url);
      }, 60000);
      afterAll(async () => {
        await app?.close();
        await harness?.cleanup();
      });

      it('finds a bigint user id as a bigint, a number and a string, and logs it out everywhere', async () => {
        // Within Number.MAX_SAFE_INTEGER, so the number form names the same id.
        const uid = String(1e12 + Math.floor(Math.random() * 1e12));
        const [phone, laptop] = [new Browser(app.url), new Browser(app.url)];
        const ids = [(await phone.post('/login', { uid, as: 'bigint' })).json.id, (await laptop.post('/login', { uid, as: 'number' })).json.id].sort();
        for (const as of ['bigint', 'number', 'string'] as const) {
          const reply = await client.post('/sessions', { uid, as });
          expect(reply.status).toBe(201);
          expect(reply.json.ids.sort()).toEqual(ids);
        }
        expect((await client.post('/logout-everywhere', { uid, as: 'string' })).json).toEqual({ destroyed: 2 });
        expect((await phone.get('/me')).json).toEqual({ in: false });
        expect((await laptop.get('/me')).json).toEqual({ in: false });
        for (const id of ids) expect(await store.get(id)).toBeNull();
      });

      it('refuses an object or boolean user id when it is written: a 500 naming nothing to the client, no session stored', async () => {
        for (const as of ['object', 'boolean'] as const) {
          const browser = new Browser(app.url);
          const reply = await browser.post('/login', { uid: unique(), as });
          expect(reply.status).toBe(500);
          expect(reply.json).toEqual({ statusCode: 500, message: 'Internal server error' });
          expect(reply.setCookies).toEqual([]);
        }
        const lookup = await client.post('/sessions', { uid: 'x', as: 'object' });
        expect(lookup.status).toBe(500);
      });

      it('takes user ids of any length and character, matched exactly, never a 503', async () => {
        const base = `u${unique()}`;
        const users = [base, `${base} `, base.toUpperCase() + 'X', `${base}${'x'.repeat(300)}`, `${base}\u0000nul`, `${base}-Zoë-😀`];
        const owned = new Map<string, string>();
        for (const uid of users) {
          const reply = await new Browser(app.url).post('/login', { uid, as: 'string' });
          expect(reply.status).toBe(201);
          owned.set(uid, reply.json.id);
        }
        for (const uid of users) expect((await client.post('/sessions', { uid, as: 'string' })).json).toEqual({ ids: [owned.get(uid)] });
        expect((await client.post('/logout-everywhere', { uid: `${base} `, as: 'string' })).json).toEqual({ destroyed: 1 });
        expect((await client.post('/sessions', { uid: base, as: 'string' })).json).toEqual({ ids: [owned.get(base)] });
      });
    });
  });
}
