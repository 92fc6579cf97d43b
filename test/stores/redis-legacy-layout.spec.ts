import { describeWith } from '../setup/services';
import { openRedisStandalone, userIndexEntry, type RedisHarness } from './harnesses/redis.harness';
import { newId, write } from './store-contract';

const TTL = 60_000;

/**
 * A rolling upgrade leaves records of the earlier layout (0.1) in Redis for up to a session lifetime:
 * metadata under `meta:createdAt`, `meta:touchedAt`, `meta:userId` and `meta:indexedUntil`. They
 * are written here as the old scripts did (one HSET, PEXPIRE, the user's index entry), and the
 * store must read, save (migrating them), touch, index, find and destroy them.
 */
describeWith(['redis'])('redis store: records of the earlier layout (0.1)', () => {
  let h: RedisHarness;
  beforeAll(async () => {
    h = await openRedisStandalone();
  });
  afterAll(() => h?.cleanup());

  const user = () => `u-${newId().slice(0, 8)}`;
  const indexKey = (owner: string) => `${h.prefix}user:{${owner}}`;
  async function writeOld(id: string, owner: string, indexedUntil = Date.now() + 2 * TTL): Promise<string> {
    const key = `${h.prefix}{${id}}`;
    const fields = ['data:uid', JSON.stringify(owner), 'data:cart', '[1,"two"]', 'meta:createdAt', '1000', 'meta:touchedAt', '2000'];
    await h.raw.hset(key, ...fields, 'meta:userId', owner, 'meta:indexedUntil', String(indexedUntil));
    await h.raw.pexpire(key, TTL);
    await h.raw.zadd(indexKey(owner), indexedUntil, id);
    await h.raw.pexpire(indexKey(owner), indexedUntil - Date.now() + 1);
    return key;
  }

  it('reads, finds, saves into (migrating it), finds again and destroys an old record', async () => {
    const [id, owner] = [newId(), user()];
    const key = await writeOld(id, owner);
    expect(await h.store.get(id)).toEqual({ data: { uid: owner, cart: [1, 'two'] }, createdAt: 1000, touchedAt: 2000 });
    expect(await h.store.findByUser(owner)).toEqual([id]);

    expect(await h.store.save(id, write({ n: 1 }, { touchedAt: 3000, ttl: TTL }))).toBe('saved');
    const migrated = await h.raw.hgetall(key);
    expect(migrated).toMatchObject({ 'data:uid': JSON.stringify(owner), 'data:cart': '[1,"two"]', 'data:n': '1', c: '1000', t: '3000', u: owner });
    expect(Object.keys(migrated).filter((field) => field.startsWith('meta:'))).toEqual([]);
    expect(Number(migrated.h)).toBeGreaterThan(Date.now() + TTL);
    expect(await h.store.get(id)).toEqual({ data: { uid: owner, cart: [1, 'two'], n: 1 }, createdAt: 1000, touchedAt: 3000 });
    expect(await h.store.findByUser(owner)).toEqual([id]);

    await h.store.destroy(id);
    expect(await h.raw.exists(key)).toBe(0);
    expect(await h.store.findByUser(owner)).toEqual([]);
    expect(await h.raw.exists(indexKey(owner))).toBe(0);
  });

  it('touches an old record into the new layout, extending an index entry that is too short', async () => {
    const [id, owner] = [newId(), user()];
    const key = await writeOld(id, owner, Date.now() + TTL);
    expect(await h.store.touch(id, 5000, TTL)).toBe(true);
    const touched = await h.raw.hgetall(key);
    expect(touched).toMatchObject({ c: '1000', t: '5000', u: owner });
    expect(Object.keys(touched).filter((field) => field.startsWith('meta:'))).toEqual([]);
    // The extended entry is written where this version indexes: the user's shared bucket.
    const { key: bucket, member } = userIndexEntry(h.prefix, owner, id);
    expect(Number(await h.raw.zscore(bucket, member))).toBe(Number(touched.h));
    expect(await h.store.findByUser(owner)).toEqual([id]);
  });

  it('takes the owner an older version wrote into a new record (a login on an older server during the upgrade)', async () => {
    const [id, before, after] = [newId(), user(), user()];
    const key = `${h.prefix}{${id}}`;
    await h.store.save(id, write({ uid: before }, { create: true, userId: before, ttl: TTL }));
    // The old save script on a record without meta:createdAt: times and owner under the old names.
    const until = Date.now() + 2 * TTL;
    await h.raw.hset(
      key,
      'data:uid',
      JSON.stringify(after),
      'meta:createdAt',
      'NaN',
      'meta:touchedAt',
      String(Date.now() + 5),
      'meta:userId',
      after,
      'meta:indexedUntil',
      String(until),
    );
    await h.raw.zadd(indexKey(after), until, id);
    await h.raw.pexpire(indexKey(after), 2 * TTL);
    expect(await h.store.findByUser(after)).toEqual([id]);
    expect(await h.store.findByUser(before)).toEqual([]);

    expect(await h.store.save(id, write({ n: 2 }, { ttl: TTL }))).toBe('saved');
    const migrated = await h.raw.hgetall(key);
    expect(migrated).toMatchObject({ u: after, h: String(until) });
    expect(Number(migrated.c)).not.toBeNaN();
    expect(Object.keys(migrated).filter((field) => field.startsWith('meta:'))).toEqual([]);
    await h.store.destroy(id);
    expect(await h.store.findByUser(after)).toEqual([]);
  });

  it('destroys an old record it never saved, dropping it from its owner index; a save that empties one deletes it', async () => {
    const [id, other, owner] = [newId(), newId(), user()];
    await writeOld(id, owner);
    await writeOld(other, owner);
    await h.store.destroy(id);
    expect(await h.store.findByUser(owner)).toEqual([other]);
    expect(await h.raw.zrange(indexKey(owner), 0, -1)).toEqual([other]);
    expect(await h.store.save(other, write({}, { unset: ['uid', 'cart'], ttl: TTL }))).toBe('deleted');
    expect(await h.raw.exists(`${h.prefix}{${other}}`)).toBe(0);
    expect(await h.store.findByUser(owner)).toEqual([]);
  });
});
