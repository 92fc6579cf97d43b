import { Redis } from 'ioredis';
import { SessionOptionsError } from '../../lib';
import { RedisSessionStore } from '../../lib/stores/redis';
import { describeWith } from '../setup/services';
import { indexedIds, keysUnder, openRedisStandalone, testPrefix, userIndexEntry, type RedisHarness } from './harnesses/redis.harness';
import { newId, runStoreContract, write } from './store-contract';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWith(['redis'])('redis standalone', () => {
  runStoreContract('redis standalone', openRedisStandalone);
});

describeWith(['redis'])('redis store: what Redis holds', () => {
  let h: RedisHarness;
  beforeAll(async () => {
    h = await openRedisStandalone();
  });
  afterAll(() => h?.cleanup());

  it('keeps a session in the hash <prefix>{<id>}: one JSON string per key, one-letter meta fields apart, PTTL = ttl', async () => {
    const id = newId();
    const data = { cart: [1, 'two'], 'meta:createdAt': 'not the time', c: 'nor this', when: { ' d': '2024-01-02T03:04:05.000Z' } };
    await h.store.save(id, write(data, { create: true, createdAt: 1000, touchedAt: 2000, ttl: 60000 }));
    const key = `${h.prefix}{${id}}`;
    expect(await keysUnder(h.raw, h.prefix)).toContain(key);
    expect(await h.raw.hgetall(key)).toEqual({
      'data:cart': '[1,"two"]',
      'data:meta:createdAt': '"not the time"',
      'data:c': '"nor this"',
      'data:when': '{" d":"2024-01-02T03:04:05.000Z"}',
      c: '1000',
      t: '2000',
    });
    const pttl = await h.raw.pttl(key);
    expect(pttl).toBeGreaterThan(58000);
    expect(pttl).toBeLessThanOrEqual(60000);
    expect(await h.store.get(id)).toEqual({ data, createdAt: 1000, touchedAt: 2000 });
  });

  it('saves and removes more keys in one call than Lua can unpack at once (batched HSET and HDEL)', async () => {
    const id = newId();
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    expect(await h.store.save(id, write(many, { create: true }))).toBe('saved');
    expect((await h.store.get(id))?.data).toEqual(many);
    const unset = Object.keys(many).filter((key) => key !== 'k4999');
    expect(await h.store.save(id, write({ added: true }, { unset }))).toBe('saved');
    expect((await h.store.get(id))?.data).toEqual({ k4999: 4999, added: true });
    expect(await h.raw.hlen(`${h.prefix}{${id}}`)).toBe(4);
  });

  it('touch changes touchedAt and PTTL only', async () => {
    const id = newId();
    await h.store.save(id, write({ a: 1 }, { create: true, ttl: 5000 }));
    const key = `${h.prefix}{${id}}`;
    const before = await h.raw.hgetall(key);
    expect(await h.store.touch(id, 123456, 90000)).toBe(true);
    expect(await h.raw.hgetall(key)).toEqual({ ...before, t: '123456' });
    expect(await h.raw.pttl(key)).toBeGreaterThan(88000);
  });

  it("saves an owned session's changed keys and touchedAt, and its owner fields only when the index horizon moves", async () => {
    const id = newId();
    const user = `u-${newId().slice(0, 8)}`;
    const key = `${h.prefix}{${id}}`;
    await h.store.save(id, write({ uid: user }, { create: true, createdAt: 1000, touchedAt: 2000, userId: user, ttl: 60_000 }));
    const login = await h.raw.hgetall(key);
    expect(login).toMatchObject({ c: '1000', t: '2000', u: user, 'data:uid': JSON.stringify(user) });
    const { key: bucket, member } = userIndexEntry(h.prefix, user, id);
    expect(Number(login.h)).toBe(Number(await h.raw.zscore(bucket, member)));

    // The owner stays and the horizon covers the new expiry: the owner fields are left as they are.
    expect(await h.store.save(id, write({ n: 1 }, { createdAt: 1000, touchedAt: 3000, ttl: 60_000 }))).toBe('saved');
    expect(await h.raw.hgetall(key)).toEqual({ ...login, t: '3000', 'data:n': '1' });

    // A longer lifetime outlives the index entry: the entry is extended first, and the record gets its new horizon.
    expect(await h.store.save(id, write({ n: 2 }, { createdAt: 1000, touchedAt: 4000, ttl: 600_000 }))).toBe('saved');
    const extended = await h.raw.hgetall(key);
    expect(Number(extended.h)).toBeGreaterThan(Date.now() + 600_000);
    expect(Number(extended.h)).toBe(Number(await h.raw.zscore(bucket, member)));
    expect(extended).toEqual({ ...login, t: '4000', 'data:n': '2', h: extended.h });
    expect(await h.raw.pttl(key)).toBeGreaterThan(590_000);
    expect(await h.store.findByUser(user)).toEqual([id]);
  });

  it('indexes a user in a shared bucket <prefix>users:{<n>}: one entry, the tag then the id, of at most 64 bytes', async () => {
    const id = newId();
    const user = `a{b}%c-${newId().slice(0, 6)}`;
    await h.store.save(id, write({ uid: user }, { create: true, userId: user, ttl: 60000 }));
    const { key, member } = userIndexEntry(h.prefix, user, id);
    expect(member.length).toBeLessThanOrEqual(64);
    expect(Number(await h.raw.zscore(key, member))).toBeGreaterThan(Date.now() + 60000);
    expect(await h.raw.pttl(key)).toBeGreaterThan(60000);
    // Compact as Redis stores it: a listpack, not a skiplist.
    expect(await h.raw.object('ENCODING', key)).toBe('listpack');
    expect(await h.raw.hget(`${h.prefix}{${id}}`, 'u')).toBe(user);
    expect((await keysUnder(h.raw, h.prefix)).filter((name) => name.includes('user:'))).toEqual([]);
    expect(await h.store.findByUser(user)).toEqual([id]);
  });

  it("with metadataLayout '0.1', indexes a user in 0.1's sorted set <prefix>user:{<user>}, with braces escaped", async () => {
    const store = new RedisSessionStore({ client: h.raw, prefix: h.prefix, metadataLayout: '0.1', autoPipelining: false });
    const id = newId();
    const suffix = newId().slice(0, 6);
    const user = `a{b}%c-${suffix}`;
    await store.save(id, write({ uid: user }, { create: true, userId: user, ttl: 60000 }));
    const index = `${h.prefix}user:{a%7Bb%7D%25c-${suffix}}`;
    expect(await h.raw.zscore(index, id)).not.toBeNull();
    expect(await h.raw.pttl(index)).toBeGreaterThan(60000);
    expect(await h.raw.hget(`${h.prefix}{${id}}`, 'meta:userId')).toBe(user);
    expect(await indexedIds(h.raw, h.prefix, user)).toEqual([]);
    // Either layout finds what the other indexed.
    expect(await store.findByUser(user)).toEqual([id]);
    expect(await h.store.findByUser(user)).toEqual([id]);
    await store.destroy(id);
    expect(await h.raw.exists(index)).toBe(0);
  });

  it("with metadataLayout '0.1', indexes again in 0.1's per-user set a session the compact layout indexed in a bucket", async () => {
    const store = new RedisSessionStore({ client: h.raw, prefix: h.prefix, metadataLayout: '0.1', autoPipelining: false });
    const [id, user] = [newId(), `u-${newId().slice(0, 8)}`];
    await h.store.save(id, write({ uid: user }, { create: true, userId: user, ttl: 60000 }));
    expect(await h.raw.zscore(`${h.prefix}user:{${user}}`, id)).toBeNull();
    // A 0.1 server finds a user's sessions only there: the first touch in the 0.1 layout puts it there.
    expect(await store.touch(id, Date.now(), 60000)).toBe(true);
    expect(Number(await h.raw.zscore(`${h.prefix}user:{${user}}`, id))).toBeGreaterThan(Date.now() + 60000);
    expect(await h.raw.hget(`${h.prefix}{${id}}`, 'meta:userId')).toBe(user);
    expect(await store.findByUser(user)).toEqual([id]);
  });

  it('keeps apart the sessions of users whose entries share a bucket, and of users whose tags are the same', async () => {
    const user = `u-${newId().slice(0, 8)}`;
    const { key } = userIndexEntry(h.prefix, user);
    let neighbour = '';
    for (let i = 0; userIndexEntry(h.prefix, neighbour).key !== key || !neighbour; i++) neighbour = `n-${i}-${user}`;
    const [mine, theirs, forged] = [newId(), newId(), newId()];
    await h.store.save(mine, write({ uid: user }, { create: true, userId: user }));
    await h.store.save(theirs, write({ uid: neighbour }, { create: true, userId: neighbour }));
    // An entry under this user's tag for a session someone else owns: what a tag collision would leave.
    await h.store.save(forged, write({ uid: neighbour }, { create: true, userId: neighbour }));
    await h.raw.zadd(key, Date.now() + 600_000, userIndexEntry(h.prefix, user, forged).member);
    expect(await h.store.findByUser(user)).toEqual([mine]);
    expect((await h.store.findByUser(neighbour)).sort()).toEqual([theirs, forged].sort());
    // The forged entry was dropped as stale; the neighbour's entries stay.
    expect((await indexedIds(h.raw, h.prefix, user)).sort()).toEqual([mine]);
    expect((await indexedIds(h.raw, h.prefix, neighbour)).sort()).toEqual([theirs, forged].sort());
  });

  it('gives a bucket an expiry at most ttl / 2 + 1 min past its longest session, and drops it with its last entry', async () => {
    const prefix = testPrefix();
    const store = new RedisSessionStore({ client: h.raw, prefix, autoPipelining: false });
    const [id, user, ttl] = [newId(), `u-${newId().slice(0, 8)}`, 3_600_000];
    await store.save(id, write({ uid: user }, { create: true, userId: user, ttl }));
    const { key, member } = userIndexEntry(prefix, user, id);
    expect(await h.raw.zrange(key, 0, -1)).toEqual([member]);
    const [session, indexTtl] = [await h.raw.pttl(`${prefix}{${id}}`), await h.raw.pttl(key)];
    expect(indexTtl - session).toBeGreaterThanOrEqual(60_000);
    expect(indexTtl - session).toBeLessThanOrEqual(ttl / 2 + 60_000 + 1000);
    await store.destroy(id);
    expect(await h.raw.exists(key)).toBe(0);
  });

  it('prunes the dead entries of every user in a bucket when it indexes a session there', async () => {
    const user = `u-${newId().slice(0, 8)}`;
    const { key, member: tag } = userIndexEntry(h.prefix, user);
    const dead = Array.from({ length: 3 }, () => `${tag.slice(0, 10)}x${newId()}`);
    for (const entry of dead) await h.raw.zadd(key, Date.now() - 1000, entry);
    await h.store.save(newId(), write({ uid: user }, { create: true, userId: user }));
    const entries = await h.raw.zrange(key, 0, -1);
    expect(entries.filter((entry) => dead.includes(entry))).toEqual([]);
    expect(entries.filter((entry) => entry.startsWith(tag))).toHaveLength(1);
  });

  it('takes a session out of the index of an empty-string owner when the owner changes', async () => {
    const id = newId();
    const { key, member } = userIndexEntry(h.prefix, '', id);
    await h.store.save(id, write({ uid: '' }, { create: true, userId: '' }));
    expect(await h.raw.zscore(key, member)).not.toBeNull();
    await h.store.save(id, write({ uid: 'someone' }, { userId: `someone-${id.slice(0, 8)}` }));
    expect(await h.raw.zscore(key, member)).toBeNull();
  });

  it('drops from the index sessions that vanished or changed owner, and never lists them', async () => {
    const [gone, moved, stolen, kept] = [newId(), newId(), newId(), newId()];
    const user = `u-${newId().slice(0, 8)}`;
    for (const id of [gone, moved, stolen, kept]) await h.store.save(id, write({ uid: user }, { create: true, userId: user }));
    await h.raw.del(`${h.prefix}{${gone}}`); // as if Redis had evicted it
    await h.store.save(moved, write({ uid: 'other' }, { userId: `other-${user}` }));
    // An owner change whose removal from the old index failed (the two keys are in different slots).
    await h.raw.hset(`${h.prefix}{${stolen}}`, 'u', 'someone-else');
    expect(await h.store.findByUser(user)).toEqual([kept]);
    expect(await indexedIds(h.raw, h.prefix, user)).toEqual([kept]);
    expect(await h.store.findByUser(`other-${user}`)).toEqual([moved]);
  });

  it('keeps the user index alive as long as touches keep the session alive', async () => {
    const id = newId();
    const user = `u-${newId().slice(0, 8)}`;
    await h.store.save(id, write({ uid: user }, { create: true, userId: user, ttl: 1000 }));
    // 3 s of touches: well past the 2 s the index entry got at login.
    for (let i = 0; i < 10; i++) {
      await sleep(300);
      expect(await h.store.touch(id, Date.now(), 1000)).toBe(true);
    }
    expect(await h.store.findByUser(user)).toEqual([id]);
    const { key, member } = userIndexEntry(h.prefix, user, id);
    expect(Number(await h.raw.zscore(key, member))).toBeGreaterThan(Date.now() + 1000);
    expect(await h.raw.pttl(key)).toBeGreaterThan(1000);
  });

  it('rounds a fractional ttl up to whole milliseconds, for PEXPIRE, in save and touch', async () => {
    const id = newId();
    expect(await h.store.save(id, write({ a: 1 }, { create: true, ttl: 60_000.4 }))).toBe('saved');
    const key = `${h.prefix}{${id}}`;
    expect(await h.raw.pttl(key)).toBeGreaterThan(59_000);
    expect(await h.raw.pttl(key)).toBeLessThanOrEqual(60_001);
    expect(await h.store.touch(id, Date.now(), 90_000.5)).toBe(true);
    expect(await h.raw.pttl(key)).toBeGreaterThan(89_000);
    expect(await h.raw.pttl(key)).toBeLessThanOrEqual(90_001);
  });

  it('refuses a prefix with braces and needs exactly one way to reach Redis', () => {
    expect(() => new RedisSessionStore({ connection: {}, prefix: 'app:{x}:' })).toThrow(SessionOptionsError);
    expect(() => new RedisSessionStore({})).toThrow(SessionOptionsError);
    expect(() => new RedisSessionStore({ client: h.raw, connection: {} })).toThrow(SessionOptionsError);
  });

  it('sends its commands through a pipelining duplicate of a plain client, and closes only that duplicate', async () => {
    const name = `nest-session-plain-${newId()
      .slice(0, 8)
      .replace(/[^A-Za-z0-9]/g, 'x')}`;
    const connections = async () => ((await h.raw.client('LIST')) as string).split('\n').filter((line) => line.includes(`name=${name} `));
    const client = new Redis({ host: '127.0.0.1', port: 6379, connectionName: name });
    await client.ping();
    const store = new RedisSessionStore({ client, prefix: h.prefix });
    const id = newId();
    await store.save(id, write({ n: 1 }, { create: true }));
    expect(await Promise.all([1, 2, 3].map(() => store.get(id)))).toEqual([1, 2, 3].map(() => expect.objectContaining({ data: { n: 1 } })));
    const open = await connections();
    expect(open).toHaveLength(2);
    // The app's own client ran only its PING; the store's commands went through the duplicate.
    expect(open.filter((line) => line.includes(' cmd=ping '))).toHaveLength(1);
    expect(client.options.enableAutoPipelining).toBe(false);
    await store.close();
    expect(await connections()).toHaveLength(1);
    expect(await client.ping()).toBe('PONG');

    const asIs = new RedisSessionStore({ client, prefix: h.prefix, autoPipelining: false });
    expect(await asIs.get(id)).toMatchObject({ data: { n: 1 } });
    expect(await connections()).toHaveLength(1);
    await asIs.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('leaves a client it was given open, and closes the one it created', async () => {
    const client = new Redis({ host: '127.0.0.1', port: 6379 });
    const given = new RedisSessionStore({ client, prefix: h.prefix });
    expect(await given.get(newId())).toBeNull();
    await given.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();

    const name = `nest-session-owned-${newId()
      .slice(0, 8)
      .replace(/[^A-Za-z0-9]/g, 'x')}`;
    const owned = new RedisSessionStore({ connection: { host: '127.0.0.1', port: 6379, connectionName: name }, prefix: h.prefix });
    expect(await owned.get(newId())).toBeNull();
    expect(await h.raw.client('LIST')).toContain(`name=${name}`);
    await owned.close();
    await expect(owned.get(newId())).rejects.toThrow();
    expect(await h.raw.client('LIST')).not.toContain(`name=${name}`);
  });
});
