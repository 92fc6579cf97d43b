import { describeWith, serviceUp } from '../setup/services';
import { type Fleet, type Platform, startSharedFleets } from './fleet/fleet';
import { FleetBrowser } from './fleet/fleet-browser';
import { QUEUE_TIMEOUT, STORE_TARGETS } from './fleet/store-targets';

/**
 * Sessions exist so that a user can land on any app server. For each store, three separate app
 * processes (Express, Fastify, Express: every hop crosses platforms too) share it, and one
 * browser's requests go round-robin over them, as behind a load balancer without sticky sessions.
 * The three processes serve one app per store, each on its own port (17400-17414).
 */
const PLATFORMS: Platform[] = ['express', 'fastify', 'express'];
const fleets = new Map<string, Fleet>();
const cleanups: Array<() => Promise<void>> = [];
let stopAll: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const up = STORE_TARGETS.filter((target) => target.services.every(serviceUp));
  const opened = await Promise.all(up.map((target) => target.open()));
  cleanups.push(...opened.map(({ cleanup }) => cleanup));
  const ports = up.map((target) => {
    const first = 17400 + STORE_TARGETS.indexOf(target) * 3;
    return [first, first + 1, first + 2];
  });
  const started = await startSharedFleets({ platform: PLATFORMS, fleets: opened.map(({ spec }, i) => ({ store: spec, ports: ports[i] })), storeTimeout: QUEUE_TIMEOUT });
  stopAll = started.stop;
  up.forEach((target, i) => fleets.set(target.name, started.fleets[i]));
}, 120000);
afterAll(async () => {
  await stopAll?.();
  await Promise.all(cleanups.map((cleanup) => cleanup()));
}, 30000);

/** The same browser state (cookie jar) on a fresh round-robin client: an old cookie replayed. */
function replay(jar: Map<string, string>, urls: string[]): FleetBrowser {
  const browser = new FleetBrowser(urls);
  for (const [name, value] of jar) browser.jar.set(name, value);
  return browser;
}

STORE_TARGETS.forEach((target, index) => {
  describeWith(target.services)(`${target.name}: 3 app processes, one store, requests spread round-robin`, () => {
    let fleet: Fleet;
    const servers = [0, 1, 2];

    beforeAll(() => {
      fleet = fleets.get(target.name) as Fleet;
    });

    it('logs in on one process and reads the session on the next ones', async () => {
      const browser = new FleetBrowser(fleet.urls);
      expect((await browser.post('/login/alice', undefined, 0)).status).toBe(200);
      for (const server of [1, 2]) {
        const answer = await browser.get('/session', server);
        expect(answer).toMatchObject({ status: 200, server, json: { isNew: false, data: { uid: 'alice' } } });
        expect(answer.json.pid).toBe(fleet.pids[server]);
      }
    });

    it('keeps all of 100 concurrent writes of distinct keys spread over every process', async () => {
      const browser = new FleetBrowser(fleet.urls);
      expect((await browser.post('/login/bob')).status).toBe(200);
      const values = Array.from({ length: 100 }, (_, i) => `v${i}-${Math.random().toString(36).slice(2)}`);
      const answers = await Promise.all(values.map((value, i) => browser.post(`/write/k${i}`, { value })));
      const slowest = Math.max(...answers.map((answer) => answer.ms));
      // eslint-disable-next-line no-console
      console.log(`${target.name}: 100 concurrent writes over 3 processes, slowest answered in ${slowest} ms`);
      expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
      expect(new Set(answers.map((answer) => answer.server))).toEqual(new Set(servers));
      const expected = Object.fromEntries(values.map((value, i) => [`k${i}`, value]));
      for (const server of servers) {
        expect((await browser.get('/session', server)).json.data).toEqual({ uid: 'bob', ...expected });
      }
    }, 60000);

    it('logs out on one process: no other process serves the session again, even to the old cookie', async () => {
      const browser = new FleetBrowser(fleet.urls);
      await browser.post('/login/carol', undefined, 0);
      await browser.post('/write/cart', { value: 'three apples' }, 1);
      const before = new Map(browser.jar);
      expect((await browser.post('/logout', undefined, 2)).status).toBe(200);
      expect(browser.jar.has('session')).toBe(false);
      const stale = replay(before, fleet.urls);
      for (const server of servers) {
        expect((await stale.get('/session', server)).json).toMatchObject({ isNew: true, data: {} });
      }
      // A write with the dead cookie starts a new, empty session: nothing of carol's comes back.
      expect((await stale.post('/write/after', { value: 'x' }, 0)).status).toBe(200);
      expect(stale.jar.get('session')).not.toBe(before.get('session'));
      for (const server of servers) expect((await stale.get('/session', server)).json.data).toEqual({ after: 'x' });
    });

    it('regenerates on one process: every process refuses the old id and serves the new one', async () => {
      const browser = new FleetBrowser(fleet.urls);
      await browser.post('/login/dave', undefined, 0);
      const before = new Map(browser.jar);
      expect((await browser.post('/regenerate', undefined, 1)).status).toBe(200);
      expect(browser.jar.get('session')).not.toBe(before.get('session'));
      const stale = replay(before, fleet.urls);
      for (const server of servers) {
        expect((await stale.get('/session', server)).json).toMatchObject({ isNew: true, data: {} });
        expect((await browser.get('/session', server)).json).toMatchObject({ isNew: false, data: { uid: 'dave' } });
      }
    });

    it("logs a user out everywhere from one process, removing the sessions other processes created", async () => {
      const user = `erin${index}`;
      const devices = servers.map(() => new FleetBrowser(fleet.urls));
      for (const server of servers) expect((await devices[server].post(`/login/${user}`, undefined, server)).status).toBe(200);
      const bystander = new FleetBrowser(fleet.urls);
      await bystander.post('/login/frank', undefined, 2);

      const answer = await devices[0].post('/logout-everywhere', undefined, 1);
      expect(answer.json).toMatchObject({ destroyed: 3 });
      for (const device of devices) {
        for (const server of servers) expect((await replay(device.jar, fleet.urls).get('/session', server)).json).toMatchObject({ isNew: true, data: {} });
      }
      for (const server of servers) expect((await bystander.get('/session', server)).json.data).toEqual({ uid: 'frank' });
    });
  });
});
