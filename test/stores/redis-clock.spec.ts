import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { SessionStoreUnavailableError } from '../../lib/errors';
import { StoreCalls } from '../../lib/session/store-calls';
import { RedisSessionStore } from '../../lib/stores/redis';
import { describeWith } from '../setup/services';
import { testPrefix } from '../stores/harnesses/redis.harness';
import { newId, write } from '../stores/store-contract';

const PORT = 17633;
const TIMEOUT = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The offset between the app's clock and Redis's decides when a save's script refuses to write
 * (lib/stores/redis/redis-clock.ts). It must come from a prompt `TIME` reply: one that arrives
 * after the store gave up on it is off by up to half its round trip, and kept for the life of the
 * process it would let a save write after the module answered 503. A private redis-server, so
 * CLIENT PAUSE stalls no other test.
 */
describeWith(['redis-server'])('RedisSessionStore: the clock offset behind script deadlines', () => {
  let server: ChildProcess;
  let raw: Redis;
  let store: RedisSessionStore;
  beforeAll(async () => {
    server = spawn('redis-server', ['--port', String(PORT), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], { stdio: 'ignore' });
    raw = new Redis({ host: '127.0.0.1', port: PORT, retryStrategy: () => 100 });
    raw.on('error', () => undefined);
    for (let i = 0; i < 50 && raw.status !== 'ready'; i++) await sleep(100);
  });
  afterAll(async () => {
    await store?.close();
    raw?.disconnect();
    server?.kill('SIGTERM');
  });

  it('a save the module gave up on (503) writes nothing, even after a slow first TIME', async () => {
    const prefix = testPrefix();
    store = new RedisSessionStore({ connection: { host: '127.0.0.1', port: PORT }, prefix });
    // Redis stalls for 3 s while the app starts: the TIME of start() times out after 300 ms...
    await raw.call('client', 'pause', '3000', 'ALL');
    await store.start({ timeout: TIMEOUT });
    // ... and its reply, 3 s later, must not set the offset (it would be about 1.5 s off).
    await sleep(3300);

    // Redis stalls again, 1.2 s, during a login's save. The module gives up at 300 + 500 ms: a 503.
    const id = newId();
    await raw.call('client', 'pause', '1200', 'ALL');
    const calls = new StoreCalls(TIMEOUT);
    await expect(calls.run('save', () => store.save(id, write({ uid: 'alice' }, { create: true })))).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    await sleep(1000);
    // The contract: a call that failed or ran past the timeout has written nothing.
    expect(await raw.exists(`${prefix}{${id}}`)).toBe(0);
  }, 15_000);

  it('control: with a prompt first TIME, the same stalled save writes nothing (the deadline works)', async () => {
    const prefix = testPrefix();
    const prompt = new RedisSessionStore({ connection: { host: '127.0.0.1', port: PORT }, prefix });
    try {
      await prompt.start({ timeout: TIMEOUT });
      const id = newId();
      await raw.call('client', 'pause', '1200', 'ALL');
      await expect(new StoreCalls(TIMEOUT).run('save', () => prompt.save(id, write({ uid: 'alice' }, { create: true })))).rejects.toBeInstanceOf(SessionStoreUnavailableError);
      await sleep(1000);
      expect(await raw.exists(`${prefix}{${id}}`)).toBe(0);
    } finally {
      await prompt.close();
    }
  }, 15_000);
});
