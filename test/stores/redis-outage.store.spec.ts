import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisSessionStore } from '../../lib/stores/redis';
import { startServer, stopServers } from '../setup/redis-topology';
import { describeWith } from '../setup/services';
import { testPrefix } from './harnesses/redis.harness';
import { newId, write } from './store-contract';

/** A redis-server of this spec's own, which it may stop and watch with MONITOR. */
const PORT = 7300;
const DAY = 24 * 60 * 60 * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWith(['redis-server'])(`redis store on a throwaway redis-server (127.0.0.1:${PORT})`, () => {
  let dir: string;
  let store: RedisSessionStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nest-session-redis-outage-'));
    await stopServers([PORT]); // a leftover of a crashed run
    await startServer(PORT, dir);
    store = new RedisSessionStore({ connection: { host: '127.0.0.1', port: PORT }, prefix: testPrefix() });
  });
  afterAll(async () => {
    await store?.close();
    await stopServers([PORT]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('costs one command per get, save and touch; a login or logout costs a few more', async () => {
    // MONITOR shows each command a client sent once, and the commands a script ran marked "lua".
    const watcher = new Redis({ host: '127.0.0.1', port: PORT });
    const monitor = await watcher.monitor();
    const seen: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua') seen.push(args[0].toLowerCase() === 'echo' ? `echo ${args[1]}` : args[0].toLowerCase());
    });
    /** Commands sent since the last call, by name. Redis runs one at a time: once the marker shows, all before it have. */
    const commands = async (): Promise<Record<string, number>> => {
      const marker = newId();
      await watcher.echo(marker);
      while (!seen.includes(`echo ${marker}`)) await sleep(5);
      const counts: Record<string, number> = {};
      for (const command of seen.splice(0).slice(0, -1)) counts[command] = (counts[command] ?? 0) + 1;
      return counts;
    };
    try {
      const warm = newId(); // loads the four scripts (EVALSHA, NOSCRIPT, EVAL)
      await store.save(warm, write({ warm: 1 }, { create: true, userId: 'warm-up' }));
      await store.touch(warm, Date.now(), DAY);
      await store.destroy(warm);
      await commands();

      const id = newId();
      await store.save(id, write({ a: 1 }, { create: true }));
      expect(await commands()).toEqual({ evalsha: 1 });
      await store.get(id);
      expect(await commands()).toEqual({ hgetall: 1 });
      await store.save(id, write({ b: 2 }, { unset: ['a'] }));
      expect(await commands()).toEqual({ evalsha: 1 });
      await store.touch(id, Date.now(), DAY);
      expect(await commands()).toEqual({ evalsha: 1 });
      // Login: the save finds no index entry and writes nothing, the entry is made, the save is retried.
      await store.save(id, write({ uid: 'u1' }, { userId: 'u1' }));
      expect(await commands()).toEqual({ evalsha: 3 });
      // A logged-in session then saves and touches in one command each until ttl / 2 has passed.
      await store.save(id, write({ c: 3 }));
      await store.touch(id, Date.now(), DAY);
      expect(await commands()).toEqual({ evalsha: 2 });
      // Logout: the save, then the removal from the user's index.
      await store.save(id, write({}, { unset: ['uid'], userId: null }));
      expect(await commands()).toEqual({ evalsha: 1, zrem: 1 });
      await store.destroy(id);
      expect(await commands()).toEqual({ evalsha: 1 });
    } finally {
      monitor.disconnect();
      watcher.disconnect();
    }
  });

  it('fails within a second while Redis is down, and serves again by itself once it is back', async () => {
    const id = newId();
    expect(await store.save(id, write({ a: 1 }, { create: true }))).toBe('saved');
    await stopServers([PORT]);
    for (const call of [() => store.get(id), () => store.save(id, write({ b: 2 })), () => store.touch(id, Date.now(), DAY)]) {
      const started = Date.now();
      await expect(call()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1000);
    }
    await startServer(PORT, dir); // an empty server: the data went with the old one (no persistence)
    const back = Date.now();
    while ((await store.save(id, write({ b: 2 }, { create: true })).catch(() => 'failed')) !== 'saved') {
      expect(Date.now() - back).toBeLessThan(3000);
      await sleep(100);
    }
    expect((await store.get(id))?.data).toEqual({ b: 2 });
  });
});
