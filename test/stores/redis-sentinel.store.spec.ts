import { Redis } from 'ioredis';
import { describeWith } from '../setup/services';
import { SENTINEL } from '../setup/redis-topology';
import { openRedisSentinel, type RedisHarness } from './harnesses/redis.harness';
import { newId, runStoreContract, write } from './store-contract';

describeWith(['redis-server'])('redis sentinel (master 127.0.0.1:7200, sentinel 127.0.0.1:7201)', () => {
  runStoreContract('redis sentinel', openRedisSentinel);

  describe('where the data goes', () => {
    let h: RedisHarness;
    beforeAll(async () => {
      h = await openRedisSentinel();
    });
    afterAll(() => h?.cleanup());

    it('writes to the master the sentinel names', async () => {
      const id = newId();
      await h.store.save(id, write({ a: 1 }, { create: true }));
      const master = new Redis({ host: '127.0.0.1', port: SENTINEL.masterPort });
      try {
        expect(await master.hget(`${h.prefix}{${id}}`, 'data:a')).toBe('1');
      } finally {
        await master.quit();
      }
    });
  });
});
