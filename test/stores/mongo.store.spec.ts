import { MongoClient } from 'mongodb';
import { MongoSessionStore } from '../../lib/stores/mongo';
import { startMongoServer } from '../setup/mongo-server';
import { type MongoHarness, openMongo } from './harnesses/mongo.harness';
import { newId, runStoreContract, write } from './store-contract';

/*
 * Runs against the wire-protocol test server of test/setup/mongo-server.ts through the official
 * driver: no real mongod installs here (see docs/stores/mongodb.md for what that server does
 * not reproduce).
 */
runStoreContract('mongo', () => openMongo());

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('mongo store: what it writes', () => {
  let harness: MongoHarness;
  beforeAll(async () => (harness = await openMongo()));
  afterAll(() => harness.cleanup());

  it('keeps one document per session: encoded keys, JSON values, Dates, userId', async () => {
    const id = newId();
    const createdAt = Date.now() - 1000;
    await harness.store.save(id, write({ cart: [1, { $x: 'y' }] }, { create: true, createdAt, ttl: 60000, userId: 'ann' }));
    const doc = await harness.raw.findOne({ _id: id });
    expect(doc).toEqual({ _id: id, data: { cart: '[1,{"$x":"y"}]' }, createdAt: new Date(createdAt), touchedAt: expect.any(Date), expiresAt: expect.any(Date), userId: 'ann' });
    expect(doc!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 55000);
  });

  it('round-trips keys with dots, dollars, percent signs, NUL, "" and __proto__, and patches them one by one', async () => {
    const id = newId();
    // Parsed, as the core's data is: "__proto__" is then an own key, not a prototype.
    const data = JSON.parse('{"a.b":1,"$where":2,"50%":3,"%2E":4,"":5,"nul\\u0000":6,"__proto__":7}');
    expect(Object.keys(data)).toHaveLength(7);
    await harness.store.save(id, write(data, { create: true }));
    expect((await harness.store.get(id))?.data).toEqual(data);
    expect(await harness.store.save(id, write({ 'a.b': 10 }, { unset: ['$where', ''] }))).toBe('saved');
    const record = await harness.store.get(id);
    expect(Object.keys(record!.data).sort()).toEqual(['%2E', '50%', '__proto__', 'a.b', 'nul\0'].sort());
    expect(record!.data['a.b']).toBe(10);
    expect(Object.getPrototypeOf(record!.data)).toBe(Object.prototype);
    expect(Object.keys((await harness.raw.findOne({ _id: id }))!.data!).sort()).toEqual(['%252E', '50%25', '%5F_proto__', 'a%2Eb', 'nul%00'].sort());
  });

  it('creates the TTL index on expiresAt (expireAfterSeconds 0) and a sparse index on userId', async () => {
    const indexes = await harness.raw.listIndexes().toArray();
    expect(indexes).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: { expiresAt: 1 }, expireAfterSeconds: 0 }), expect.objectContaining({ key: { userId: 1 }, sparse: true })]),
    );
  });

  it('checks expiry on read: an expired document the TTL monitor has not removed yet is no session', async () => {
    const id = newId();
    await harness.store.save(id, write({ a: 1 }, { create: true, ttl: 50, userId: 'late' }));
    await sleep(100);
    expect(await harness.raw.countDocuments({ _id: id })).toBe(1);
    expect(await harness.store.get(id)).toBeNull();
    expect(await harness.store.findByUser('late')).toEqual([]);
    expect(await harness.store.save(id, write({ b: 1 }))).toBe('missing');
    expect(await harness.store.touch(id, Date.now(), 60000)).toBe(false);
    expect((await harness.raw.findOne({ _id: id }))?.data).toEqual({ a: '1' });
  });

  it('replaces an expired leftover when creating under its id', async () => {
    const id = newId();
    await harness.raw.insertOne({ _id: id, data: { old: '1' }, createdAt: new Date(0), touchedAt: new Date(0), expiresAt: new Date(Date.now() - 1000) });
    expect(await harness.store.save(id, write({ fresh: 1 }, { create: true }))).toBe('saved');
    expect((await harness.store.get(id))?.data).toEqual({ fresh: 1 });
  });

  it('removes the document of an emptied session', async () => {
    const id = newId();
    await harness.store.save(id, write({ a: 1 }, { create: true }));
    expect(await harness.store.save(id, write({}, { unset: ['a'] }))).toBe('deleted');
    expect(await harness.raw.countDocuments({ _id: id })).toBe(0);
  });

  it('refuses an id that is not a session id, such as an operator object', async () => {
    await expect(harness.store.get({ $ne: null } as unknown as string)).rejects.toThrow(RangeError);
    await expect(harness.store.destroy({ $exists: true } as unknown as string)).rejects.toThrow(RangeError);
    expect(await harness.raw.countDocuments({})).toBeGreaterThan(0);
  });
});

describe('mongo store: the TTL index does the cleanup', () => {
  it('lets the server remove expired sessions without any read', async () => {
    const harness = await openMongo({}, { ttlMonitorIntervalMs: 200 });
    try {
      const id = newId();
      await harness.store.save(id, write({ a: 1 }, { create: true, ttl: 100 }));
      expect(await harness.raw.countDocuments({ _id: id })).toBe(1);
      await sleep(600);
      expect(await harness.raw.countDocuments({ _id: id })).toBe(0);
    } finally {
      await harness.cleanup();
    }
  });
});

describe('mongo store: clients', () => {
  it('uses a db or a collection you pass and never closes your client', async () => {
    const server = await startMongoServer();
    const client = new MongoClient(server.url, { serverSelectionTimeoutMS: 2000 });
    try {
      const byDb = new MongoSessionStore({ db: client.db('app'), collectionName: 'web_sessions' });
      const byCollection = new MongoSessionStore({ collection: client.db('app').collection('web_sessions') });
      const id = newId();
      await byDb.save(id, write({ a: 1 }, { create: true }));
      expect((await byCollection.get(id))?.data).toEqual({ a: 1 });
      await byDb.close();
      await byCollection.close();
      expect(await client.db('app').collection('web_sessions').countDocuments({})).toBe(1);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('refuses ambiguous options', () => {
    expect(() => new MongoSessionStore({})).toThrow(/exactly one/);
    expect(() => new MongoSessionStore({ url: 'mongodb://127.0.0.1:1' })).toThrow(/dbName/);
  });

  it('fails fast while the server is down and recovers when it is back', async () => {
    const harness = await openMongo();
    try {
      const id = newId();
      await harness.store.save(id, write({ a: 1 }, { create: true }));
      await harness.server.stop();
      const started = Date.now();
      await expect(harness.store.get(id)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(3500);
      await harness.server.start();
      expect((await harness.store.get(id))?.data).toEqual({ a: 1 });
    } finally {
      await harness.cleanup();
    }
  }, 20000);
});
