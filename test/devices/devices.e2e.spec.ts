import { SessionModule, SessionStore } from '../../lib';
import { Browser, createTestApp, PLATFORMS, SECRET, type TestApp } from '../e2e/app';
import { describeTarget } from '../stores/harnesses/registry';
import type { StoreHarness } from '../stores/store-contract';
import { DevicesController, idOf, INDEXED_TARGETS } from './devices-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HANDLE = /^[A-Za-z0-9_-]{43}$/;

async function logIn(app: TestApp, user: string, agent: string): Promise<Browser> {
  const browser = new Browser(app.url);
  const reply = await browser.request('POST', '/login', { body: { user }, headers: { 'user-agent': agent } });
  expect(reply.status).toBe(200);
  return browser;
}

for (const target of INDEXED_TARGETS) {
  describeTarget(target)(`"your devices" on the ${target.name} store`, () => {
    describe.each(PLATFORMS)('on %s', (platform) => {
      let harness: StoreHarness;
      let store: SessionStore;
      let app: TestApp;

      beforeAll(async () => {
        harness = await target.open();
        store = harness.store;
        const module = SessionModule.forRoot({ secret: SECRET, store, userKey: 'user', devices: { userAgent: true, address: true, lastSeenInterval: 1000 } });
        app = await createTestApp(platform, [module], [DevicesController]);
      }, 60000);
      afterAll(async () => {
        await app?.close();
        await harness?.cleanup();
      });

      it("lists the user's sessions with times, agent and address, marks this one, and shows no session id", async () => {
        const user = `ann-${platform}`;
        const before = Date.now();
        const laptop = await logIn(app, user, 'Laptop Firefox');
        const phone = await logIn(app, user, 'Phone Safari');
        const other = await logIn(app, `bob-${platform}`, 'Bob Chrome');
        const reply = await laptop.get('/devices');
        expect(reply.status).toBe(200);
        const devices = reply.json as Record<string, unknown>[];
        expect(devices).toHaveLength(2);
        expect(devices.map((d) => [d.current, d.userAgent])).toEqual([
          [true, 'Laptop Firefox'],
          [false, 'Phone Safari'],
        ]);
        for (const device of devices) {
          expect(Object.keys(device).sort()).toEqual(['address', 'createdAt', 'current', 'handle', 'lastSeenAt', 'userAgent']);
          expect(device.handle).toMatch(HANDLE);
          expect(device.address).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
          expect(Date.parse(device.createdAt as string)).toBeGreaterThanOrEqual(before - 1000);
          expect(Date.parse(device.lastSeenAt as string)).toBeGreaterThanOrEqual(Date.parse(device.createdAt as string));
        }
        // Neither the ids nor the cookie values of any session appear in the page.
        for (const browser of [laptop, phone, other]) {
          expect(reply.body).not.toContain(idOf(browser));
          expect(reply.body).not.toContain(browser.jar.get('session'));
        }
        // The details live under a reserved key the app never sees.
        expect((await laptop.get('/whoami')).json).toEqual({ user, keys: ['user'] });
        expect((await store.get(idOf(laptop) as string))?.data).toEqual({ user, _nest_device: { ua: 'Laptop Firefox', ip: expect.stringMatching(/127\.0\.0\.1$/) } });
      });

      it('keeps client-supplied details bounded and free of control characters', async () => {
        const agent = `Evil\tAgent ${'x'.repeat(2000)}`;
        const browser = await logIn(app, `long-${platform}`, agent);
        const [device] = (await browser.get('/devices')).json;
        expect(device.userAgent).toBe(`EvilAgent ${'x'.repeat(246)}`);
        expect(device.userAgent).toHaveLength(256);
      });

      it('revokes another device by handle: that browser is logged out and its record is gone', async () => {
        const user = `cy-${platform}`;
        const laptop = await logIn(app, user, 'Laptop');
        const phone = await logIn(app, user, 'Phone');
        const phoneId = idOf(phone) as string;
        const phoneHandle = ((await laptop.get('/devices')).json as { handle: string; current: boolean }[]).find((d) => !d.current)?.handle;
        expect((await laptop.post('/devices/revoke', { handle: phoneHandle })).json).toEqual({ revoked: true });
        expect(await store.get(phoneId)).toBeNull();
        expect((await phone.get('/whoami')).json.user).toBeNull();
        expect((await laptop.get('/whoami')).json.user).toBe(user);
        // The same handle again: its session has ended, nothing to revoke.
        expect((await laptop.post('/devices/revoke', { handle: phoneHandle })).json).toEqual({ revoked: false });
        expect(((await laptop.get('/devices')).json as unknown[]).length).toBe(1);
      });

      it("refuses garbage, another user's handle and an ended session's handle, revoking nothing", async () => {
        const dee = await logIn(app, `dee-${platform}`, 'Dee');
        const eve = await logIn(app, `eve-${platform}`, 'Eve');
        const eveOld = await logIn(app, `eve-${platform}`, 'Eve old');
        const eveHandles = ((await eve.get('/devices')).json as { handle: string }[]).map((d) => d.handle);
        expect(eveHandles).toHaveLength(2);
        for (const handle of [...eveHandles, 'garbage', '', 'x'.repeat(43), 'A'.repeat(10_000), 42, null, { $ne: 1 }, idOf(eve)]) {
          const reply = await dee.post('/devices/revoke', { handle });
          expect(reply.status).toBe(200);
          expect(reply.json).toEqual({ revoked: false });
        }
        expect((await eve.get('/whoami')).json.user).toBe(`eve-${platform}`);
        expect((await eveOld.get('/whoami')).json.user).toBe(`eve-${platform}`);
        // A session that logged out: its handle names nothing any more.
        const oldHandle = ((await eve.get('/devices')).json as { handle: string; current: boolean }[]).find((d) => !d.current)?.handle;
        await eveOld.post('/logout');
        expect((await eve.post('/devices/revoke', { handle: oldHandle })).json).toEqual({ revoked: false });
        expect((await eve.get('/whoami')).json.user).toBe(`eve-${platform}`);
        // Nobody logged in: nothing listed, nothing revoked.
        const anonymous = new Browser(app.url);
        expect((await anonymous.get('/devices')).json).toEqual([]);
        expect((await anonymous.post('/devices/revoke', { handle: eveHandles[0] })).json).toEqual({ revoked: false });
      });

      it('revokes every other session of the user and keeps this one', async () => {
        const user = `fay-${platform}`;
        const [a, b, c] = [await logIn(app, user, 'A'), await logIn(app, user, 'B'), await logIn(app, user, 'C')];
        const stranger = await logIn(app, `gus-${platform}`, 'G');
        expect((await b.post('/devices/revoke-others')).json).toEqual({ revoked: 2 });
        expect((await a.get('/whoami')).json.user).toBeNull();
        expect((await c.get('/whoami')).json.user).toBeNull();
        expect((await b.get('/whoami')).json.user).toBe(user);
        expect((await stranger.get('/whoami')).json.user).toBe(`gus-${platform}`);
        expect(((await b.get('/devices')).json as { current: boolean }[]).map((d) => d.current)).toEqual([true]);
      });

      it('renews last-seen on a read only once lastSeenInterval has passed', async () => {
        const browser = await logIn(app, `hal-${platform}`, 'H');
        const id = idOf(browser) as string;
        const saved = (await store.get(id))?.touchedAt as number;
        await browser.get('/whoami');
        expect((await store.get(id))?.touchedAt).toBe(saved);
        await sleep(1050);
        await browser.get('/whoami');
        const seen = (await store.get(id))?.touchedAt as number;
        expect(seen).toBeGreaterThan(saved);
        const [device] = (await browser.get('/devices')).json;
        expect(Date.parse(device.lastSeenAt)).toBe(seen);
      });
    });
  });
}
