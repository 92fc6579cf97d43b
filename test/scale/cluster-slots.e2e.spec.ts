import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisSessionStore, SessionModule } from '../../lib';
import { createTestApp, type TestApp } from '../e2e/app';
import { cli, SCALE_CLUSTER_PORTS, useScaleCluster } from '../setup/redis-topology';
import { describeWith } from '../setup/services';
import { SECRET } from './fleet/fleet';
import { FleetBrowser } from './fleet/fleet-browser';
import { ScaleController } from './fleet/scale.controller';

/**
 * How sessions spread over a real 3-master Cluster. A session lives in `<prefix>{<id>}`, so its
 * slot is the CRC16 of the id alone; ids are 32 random bytes in base64url (256 bits, as the
 * library issues them), so they spread evenly. The user index (`<prefix>users:{<n>}`) is
 * another key in another slot, and the store never puts the two in one command.
 */
const SAMPLE = 100_000;

/** `[first slot, last slot, master port]` of every slot range, from CLUSTER SLOTS. */
async function slotRanges(client: Redis): Promise<[number, number, number][]> {
  const slots = (await client.cluster('SLOTS')) as unknown as [number, number, [string, number]][];
  return slots.map(([first, last, [, port]]) => [first, last, port]);
}

/** `errorstat_CROSSSLOT` summed over the nodes (0 when absent). */
async function crossSlotErrors(): Promise<number> {
  const stats = await Promise.all(SCALE_CLUSTER_PORTS.map((port) => cli(port, 'info', 'errorstats')));
  return stats.reduce((sum, info) => sum + Number(/errorstat_CROSSSLOT:count=(\d+)/.exec(info)?.[1] ?? 0), 0);
}

describeWith(['redis-server'])('Redis Cluster: slots of session keys', () => {
  let release: () => Promise<void>;
  let client: Redis;

  beforeAll(async () => {
    release = await useScaleCluster();
    client = new Redis({ host: '127.0.0.1', port: SCALE_CLUSTER_PORTS[0] });
  }, 60000);
  afterAll(async () => {
    client?.disconnect();
    await release?.();
  });

  it(`spreads ${SAMPLE.toLocaleString('en')} session ids over the 3 masters at 33.3% ± 1% each (slots as the server computes them)`, async () => {
    const prefix = 'session:';
    const keys = Array.from({ length: SAMPLE }, () => `${prefix}{${randomBytes(32).toString('base64url')}}`);
    const pipeline = client.pipeline();
    for (const key of keys) pipeline.cluster('KEYSLOT', key);
    const slots = ((await pipeline.exec()) ?? []).map(([error, slot]) => {
      if (error) throw error;
      return slot as number;
    });
    const ranges = await slotRanges(client);
    const perMaster = new Map<number, number>();
    for (const slot of slots) {
      const port = ranges.find(([first, last]) => slot >= first && slot <= last)?.[2] as number;
      perMaster.set(port, (perMaster.get(port) ?? 0) + 1);
    }
    const shares = [...perMaster].sort(([a], [b]) => a - b).map(([port, count]) => [port, (100 * count) / SAMPLE] as const);
    // eslint-disable-next-line no-console
    console.log(`Cluster slot histogram of ${SAMPLE} session ids: ${shares.map(([port, share]) => `${port}: ${share.toFixed(2)}%`).join(', ')}`);
    expect(shares).toHaveLength(3);
    for (const [, share] of shares) expect(Math.abs(share - 100 / 3)).toBeLessThanOrEqual(1);
  }, 60000);

  it('never sends a cross-slot command: logins, writes, regenerations, logouts and "log out everywhere" on the real cluster', async () => {
    const prefix = `scale:${randomBytes(4).toString('hex')}:`;
    const store = new RedisSessionStore({ cluster: { nodes: SCALE_CLUSTER_PORTS.map((port) => ({ host: '127.0.0.1', port })) }, prefix });
    let app: TestApp | undefined;
    const before = await crossSlotErrors();
    try {
      app = await createTestApp('express', [SessionModule.forRoot({ secret: SECRET, store, userKey: 'uid', storeTimeout: 5000 })], [ScaleController]);
      const statuses: number[] = [];
      for (let user = 0; user < 10; user++) {
        const devices = [0, 1, 2].map(() => new FleetBrowser([app!.url]));
        for (const device of devices) {
          statuses.push((await device.post(`/login/user{${user}}`)).status);
          statuses.push((await device.post('/write/cart', { value: 'x' })).status, (await device.post('/regenerate')).status);
        }
        statuses.push((await devices[0].post('/logout')).status);
        const everywhere = await devices[1].post('/logout-everywhere');
        statuses.push(everywhere.status);
        expect(everywhere.json.destroyed).toBe(2);
        for (const device of devices) expect((await device.get('/session')).json.isNew).toBe(true);
      }
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      expect((await crossSlotErrors()) - before).toBe(0);
    } finally {
      await app?.close();
    }
  }, 60000);
});
