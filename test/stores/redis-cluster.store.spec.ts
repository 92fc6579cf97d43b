import { Cluster } from 'ioredis';
import { RedisSessionStore } from '../../lib/stores/redis';
import { describeWith } from '../setup/services';
import { CLUSTER_NODES, indexedIds, openRedisCluster, userIndexEntry, type RedisHarness } from './harnesses/redis.harness';
import { newId, runStoreContract, write } from './store-contract';

describeWith(['redis-server'])('redis cluster (3 masters on 127.0.0.1:7100-7102)', () => {
  runStoreContract('redis cluster', openRedisCluster);

  describe('hash slots', () => {
    let h: RedisHarness;
    beforeAll(async () => {
      h = await openRedisCluster();
    });
    afterAll(() => h?.cleanup());

    const slot = (raw: RedisHarness['raw'], key: string) => raw.cluster('KEYSLOT', key);

    it('pins each session to the slot of its id and the user index to the slot of the (escaped) user', async () => {
      const user = `team{7}-${newId().slice(0, 6)}`;
      const ids = Array.from({ length: 30 }, () => newId());
      for (const id of ids) await h.store.save(id, write({ uid: user }, { create: true, userId: user }));
      const slots = new Set<number>();
      for (const id of ids) {
        const key = `${h.prefix}{${id}}`;
        expect(await h.raw.exists(key)).toBe(1);
        expect(await slot(h.raw, key)).toBe(await slot(h.raw, id));
        slots.add(await slot(h.raw, key));
      }
      // 30 random ids over 3 masters: all on one slot would mean the id is not what is hashed.
      expect(slots.size).toBeGreaterThan(20);
      // The user's bucket: its hash slot is its number's, whatever braces the user id holds.
      const { key: bucket } = userIndexEntry(h.prefix, user);
      expect(await slot(h.raw, bucket)).toBe(await slot(h.raw, bucket.slice(bucket.indexOf('{') + 1, -1)));
      expect((await indexedIds(h.raw, h.prefix, user)).sort()).toEqual([...ids].sort());
      expect((await h.store.findByUser(user)).sort()).toEqual([...ids].sort());
    });

    it('leaves a Cluster client it was given open', async () => {
      const client = new Cluster(CLUSTER_NODES);
      const store = new RedisSessionStore({ client, prefix: h.prefix });
      const id = newId();
      expect(await store.save(id, write({ a: 1 }, { create: true }))).toBe('saved');
      await store.close();
      expect(await client.hget(`${h.prefix}{${id}}`, 'data:a')).toBe('1');
      await client.quit();
    });
  });
});
