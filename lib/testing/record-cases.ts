import { newSessionId, storeWrite, type ContractCase } from './contract-case';

const DAY = 24 * 60 * 60 * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The cases every store must pass: reads, creates, merges, the emptied-session rule, expiry,
 * touch, and the races a session meets (concurrent saves, a save or a touch after a destroy).
 */
export const RECORD_CASES: ContractCase[] = [
  {
    name: 'returns null for an id it never stored, and does not create it',
    async run(store, expect) {
      const id = newSessionId();
      expect(await store.get(id)).toBeNull();
      expect(await store.get(id)).toBeNull();
    },
  },
  {
    name: 'creates a record and reads back its data and times',
    async run(store, expect) {
      const id = newSessionId();
      const createdAt = Date.now() - 5000;
      const data = { user: { name: 'Zoë', roles: ['a', 'b'] }, n: 1.5, ok: true, none: null, when: { ' d': '2024-01-02T03:04:05.000Z' } };
      expect(await store.save(id, storeWrite(data, { create: true, createdAt, touchedAt: createdAt + 1000 }))).toBe('saved');
      const record = await store.get(id);
      expect(record?.data).toEqual(data);
      expect(record?.createdAt).toBe(createdAt);
      expect(record?.touchedAt).toBe(createdAt + 1000);
    },
  },
  {
    name: 'merges patches: set and unset touch only the named keys, createdAt stays',
    async run(store, expect) {
      const id = newSessionId();
      const createdAt = Date.now() - 60000;
      await store.save(id, storeWrite({ a: 1, b: 2 }, { create: true, createdAt }));
      expect(await store.save(id, storeWrite({ c: 3, a: 10 }))).toBe('saved');
      expect(await store.save(id, storeWrite({}, { unset: ['b'] }))).toBe('saved');
      const record = await store.get(id);
      expect(record?.data).toEqual({ a: 10, c: 3 });
      expect(record?.createdAt).toBe(createdAt);
    },
  },
  {
    name: 'never recreates a missing record on a patch',
    async run(store, expect) {
      const id = newSessionId();
      expect(await store.save(id, storeWrite({ a: 1 }))).toBe('missing');
      expect(await store.get(id)).toBeNull();
    },
  },
  {
    name: 'deletes a record that a patch leaves empty',
    async run(store, expect) {
      const id = newSessionId();
      await store.save(id, storeWrite({ a: 1, b: 2 }, { create: true }));
      expect(await store.save(id, storeWrite({}, { unset: ['a', 'b'] }))).toBe('deleted');
      expect(await store.get(id)).toBeNull();
      expect(await store.save(id, storeWrite({ a: 1 }))).toBe('missing');
    },
  },
  {
    name: 'destroys a record; destroying a missing one is not an error',
    async run(store, expect) {
      const id = newSessionId();
      await store.save(id, storeWrite({ a: 1 }, { create: true }));
      await store.destroy(id);
      expect(await store.get(id)).toBeNull();
      await expect(store.destroy(id)).resolves.toBeUndefined();
    },
  },
  {
    name: 'expires a record after its ttl',
    async run(store, expect) {
      const id = newSessionId();
      await store.save(id, storeWrite({ a: 1 }, { create: true, ttl: 1000 }));
      expect((await store.get(id))?.data).toEqual({ a: 1 });
      await sleep(2200);
      expect(await store.get(id)).toBeNull();
    },
  },
  {
    name: 'touch renews the expiry and touchedAt without changing data, and never recreates',
    async run(store, expect) {
      const id = newSessionId();
      await store.save(id, storeWrite({ a: 1 }, { create: true, ttl: 1000 }));
      const touchedAt = Date.now();
      expect(await store.touch(id, touchedAt, DAY)).toBe(true);
      await sleep(2200);
      const record = await store.get(id);
      expect(record?.data).toEqual({ a: 1 });
      expect(record?.touchedAt).toBe(touchedAt);
      const gone = newSessionId();
      expect(await store.touch(gone, Date.now(), DAY)).toBe(false);
      expect(await store.get(gone)).toBeNull();
    },
  },
  {
    name: 'keeps a lifetime longer than 30 days (memcached reads those as timestamps)',
    async run(store, expect) {
      const id = newSessionId();
      await store.save(id, storeWrite({ a: 1 }, { create: true, ttl: 40 * DAY }));
      expect((await store.get(id))?.data).toEqual({ a: 1 });
      expect(await store.touch(id, Date.now(), 40 * DAY)).toBe(true);
      expect((await store.get(id))?.data).toEqual({ a: 1 });
    },
  },
  {
    name: 'loses no write: 100 concurrent patches of one session, each setting its own key',
    async run(store, expect) {
      const id = newSessionId();
      await store.save(id, storeWrite({ start: true }, { create: true }));
      const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => store.save(id, storeWrite({ [`k${i}`]: i }))));
      expect(outcomes.every((outcome) => outcome === 'saved')).toBe(true);
      const record = await store.get(id);
      expect(Object.keys(record?.data ?? {}).sort()).toEqual(['start', ...Array.from({ length: 100 }, (_, i) => `k${i}`)].sort());
    },
  },
  {
    name: 'keeps a destroyed session destroyed: a slower save after the destroy writes nothing',
    async run(store, expect) {
      const id = newSessionId();
      await store.save(id, storeWrite({ user: 'u1' }, { create: true }));
      const loaded = await store.get(id);
      expect(loaded).not.toBeNull();
      await store.destroy(id);
      expect(await store.save(id, storeWrite({ cart: ['late'] }))).toBe('missing');
      expect(await store.touch(id, Date.now(), DAY)).toBe(false);
      expect(await store.get(id)).toBeNull();
    },
  },
  {
    name: 'keeps concurrent saves racing a destroy from bringing the session back',
    async run(store, expect) {
      const id = newSessionId();
      await store.save(id, storeWrite({ user: 'u1' }, { create: true }));
      const saves = Array.from({ length: 20 }, (_, i) => store.save(id, storeWrite({ [`k${i}`]: i })));
      const destroyed = store.destroy(id);
      await Promise.all([...saves, destroyed]);
      expect(await store.get(id)).toBeNull();
    },
  },
];
