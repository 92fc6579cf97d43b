import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, Socket } from 'node:net';
import { MemcacheClient } from 'memcache-client';
import { MemcachedSessionStore } from '../../lib/stores/memcached';
import { describeWith } from '../setup/services';
import { MEMCACHED, openMemcached, type MemcachedHarness } from './harnesses/memcached.harness';
import { newId, runStoreContract, write } from './store-contract';

const DAY = 24 * 60 * 60 * 1000;

describeWith(['memcached'])('memcached', () => {
  runStoreContract('memcached', () => openMemcached());

  describe('what it writes', () => {
    let harness: MemcachedHarness;
    beforeAll(async () => (harness = await openMemcached()));
    afterAll(() => harness.cleanup());

    it('keeps one JSON item per session under <prefix><id>', async () => {
      const id = newId();
      await harness.store.save(id, write({ cart: [1] }, { create: true, userId: 'ann' }));
      const item = await harness.raw.get<string>(`${harness.prefix}${id}`);
      expect(JSON.parse(item.value)).toMatchObject({ data: { cart: [1] }, userId: 'ann' });
    });

    it('sends a lifetime over 30 days as an absolute timestamp, and memcached keeps it 40 days', async () => {
      const id = newId();
      await harness.store.save(id, write({ a: 1 }, { create: true, ttl: 40 * DAY }));
      expect(await remainingSeconds(`${harness.prefix}${id}`)).toBeGreaterThan(40 * 86400 - 10);
      // A few seconds either way: the expiry is rounded up to the second, and memcached turns an
      // absolute time into its own relative clock, which ticks once a second on a monotonic base.
      expect(await remainingSeconds(`${harness.prefix}${id}`)).toBeLessThanOrEqual(40 * 86400 + 5);
      await harness.store.touch(id, Date.now(), 10 * 60 * 1000);
      const ttl = await remainingSeconds(`${harness.prefix}${id}`);
      expect(ttl).toBeGreaterThan(590);
      expect(ttl).toBeLessThanOrEqual(600);
      await harness.store.destroy(id);
      expect(await remainingSeconds(`${harness.prefix}${id}`)).toBeNull();
    });

    it('deletes the item of an emptied session', async () => {
      const id = newId();
      await harness.store.save(id, write({ a: 1 }, { create: true }));
      expect(await harness.store.save(id, write({}, { unset: ['a'] }))).toBe('deleted');
      expect(await harness.raw.get(`${harness.prefix}${id}`)).toBeUndefined();
    });

    it('keeps the user index in one item and drops destroyed ids from it on lookup', async () => {
      const user = `user-${newId()}`;
      const [first, second] = [newId(), newId()];
      await harness.store.save(first, write({ a: 1 }, { create: true, userId: user }));
      await harness.store.save(second, write({ a: 1 }, { create: true, userId: user }));
      await harness.store.destroy(first);
      expect(await harness.store.findByUser(user)).toEqual([second]);
      const indexKey = (await harness.raw.get<string>(`${harness.prefix}user:${sha256(user)}`)).value;
      expect(JSON.parse(indexKey)).toEqual([[second, expect.any(Number)]]);
    });

    it('reads index items of earlier versions (plain ids), and a login keeps their live sessions', async () => {
      const user = `user-${newId()}`;
      const key = `${harness.prefix}user:${sha256(user)}`;
      const [legacy, dead, fresh] = [newId(), newId(), newId()];
      await harness.store.save(legacy, write({ a: 1 }, { create: true, userId: user }));
      await harness.raw.set(key, JSON.stringify([legacy, dead]), { lifetime: 0 });
      expect(await harness.store.findByUser(user)).toEqual([legacy]);
      await harness.store.save(fresh, write({ a: 1 }, { create: true, userId: user }));
      expect((await harness.store.findByUser(user)).sort()).toEqual([legacy, fresh].sort());
      expect(JSON.parse((await harness.raw.get<string>(key)).value)).toEqual([
        [legacy, 0],
        [fresh, expect.any(Number)],
      ]);
    });

    it('refuses a session id that could inject a command, before sending anything', async () => {
      for (const id of [`${'a'.repeat(40)} x\r\n`, `${'a'.repeat(42)} `, 'short']) {
        await expect(harness.store.get(id)).rejects.toThrow(RangeError);
        await expect(harness.store.save(id, write({ a: 1 }, { create: true }))).rejects.toThrow(RangeError);
      }
    });
  });

  describe('two processes (two clients) patching one session', () => {
    it('loses no write: CAS conflicts are retried', async () => {
      const one = await openMemcached();
      const other = new MemcachedSessionStore({ server: MEMCACHED, prefix: one.prefix });
      try {
        const id = newId();
        await one.store.save(id, write({ start: true }, { create: true }));
        const conflictsBefore = await stat(one.raw, 'cas_badval');
        const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? one.store : other).save(id, write({ [`k${i}`]: i }))));
        expect(outcomes).toEqual(Array(100).fill('saved'));
        expect(Object.keys((await one.store.get(id))?.data ?? {})).toHaveLength(101);
        // The test really raced: memcached refused stale CAS tokens, and the store retried.
        expect(await stat(one.raw, 'cas_badval')).toBeGreaterThan(conflictsBefore);
      } finally {
        await other.close();
        await one.cleanup();
      }
    });
  });

  describe('options and clients', () => {
    it('refuses a prefix that would make invalid keys', () => {
      expect(() => new MemcachedSessionStore({ server: MEMCACHED, prefix: 'my sessions:' })).toThrow(/printable ASCII/);
      expect(() => new MemcachedSessionStore({ server: MEMCACHED, prefix: 'p'.repeat(203) })).toThrow(/250/);
      expect(() => new MemcachedSessionStore({})).toThrow(/exactly one/);
    });

    it('never shuts down a client it was given', async () => {
      const client = new MemcacheClient({ server: MEMCACHED });
      try {
        const store = new MemcachedSessionStore({ client, prefix: `nest-session-test:${newId().slice(0, 8)}:` });
        await store.close();
        expect((await client.version())[0]).toBe('VERSION');
      } finally {
        client.shutdown();
      }
    });
  });

  describe('outage', () => {
    let server: ChildProcess | undefined;
    afterEach(() => server?.kill());

    it('fails fast while memcached is down and works again when it is back', async () => {
      const port = await freePort();
      server = await startMemcached(port);
      const store = new MemcachedSessionStore({ server: `127.0.0.1:${port}` });
      try {
        const id = newId();
        await store.save(id, write({ a: 1 }, { create: true }));
        server.kill();
        await waitClosed(port);
        const started = Date.now();
        await expect(store.get(id)).rejects.toThrow();
        await expect(store.save(id, write({ b: 1 }))).rejects.toThrow();
        expect(Date.now() - started).toBeLessThan(1500);
        server = await startMemcached(port);
        expect(await store.get(id)).toBeNull(); // a restarted memcached is empty
        expect(await store.save(id, write({ c: 1 }, { create: true }))).toBe('saved');
        expect((await store.get(id))?.data).toEqual({ c: 1 });
      } finally {
        await store.close();
      }
    });
  });
});

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

async function stat(client: MemcacheClient, name: string): Promise<number> {
  const stats = await client.cmd<{ STAT: string[][] }>('stats');
  return Number(stats.STAT.find(([key]) => key === name)?.[1]);
}

/** Remaining lifetime of an item in seconds, from memcached's meta get (`mg <key> t`). */
function remainingSeconds(key: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let reply = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('no reply to mg')));
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (!reply.endsWith('\r\n')) return;
      socket.destroy();
      const ttl = /^HD t(-?\d+)/.exec(reply);
      resolve(ttl ? Number(ttl[1]) : null);
    });
    socket.connect(11211, '127.0.0.1', () => socket.write(`mg ${key} t\r\n`));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function startMemcached(port: number): Promise<ChildProcess> {
  const binary = execFileSync('sh', ['-c', 'command -v memcached']).toString().trim();
  const child = spawn(binary, ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-u', 'root', '-m', '8'], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (await isOpen(port)) return child;
    await new Promise((done) => setTimeout(done, 100));
  }
  child.kill();
  throw new Error(`memcached did not start on ${port}`);
}

async function waitClosed(port: number): Promise<void> {
  for (let i = 0; i < 50 && (await isOpen(port)); i++) await new Promise((done) => setTimeout(done, 50));
}

function isOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
  });
}
