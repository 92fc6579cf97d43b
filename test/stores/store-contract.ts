import { randomBytes } from 'node:crypto';
import type { SessionStore, SessionWrite, StoredData } from '../../lib';

/**
 * The contract every store must keep, run against each real server by its own spec:
 *
 *     runStoreContract('redis', async () => ({ store, cleanup }));
 *
 * Each case asserts what the store itself reports and holds, through its public methods only.
 */
export interface StoreHarness {
  store: SessionStore;
  /** Closes whatever the harness opened. */
  cleanup(): Promise<void>;
}

const DAY = 24 * 60 * 60 * 1000;

export function newId(): string {
  return randomBytes(32).toString('base64url');
}

export function write(set: StoredData, extra: Partial<SessionWrite> = {}): SessionWrite {
  const now = Date.now();
  return { create: false, set, unset: [], createdAt: now, touchedAt: now, ttl: DAY, ...extra };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function runStoreContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`${name}: store contract`, () => {
    let harness: StoreHarness;
    let store: SessionStore;

    beforeAll(async () => {
      harness = await open();
      store = harness.store;
      // As the module does at bootstrap. The contract checks behaviour, not speed: 100 saves of
      // one session queue behind each other in some stores, and may take longer than the default
      // timeout on a loaded machine. Timeouts have their own spec (store-timeout.spec.ts).
      await store.start?.({ timeout: 30000 });
    });
    afterAll(async () => harness?.cleanup());

    it('returns null for an id it never stored, and does not create it', async () => {
      const id = newId();
      expect(await store.get(id)).toBeNull();
      expect(await store.get(id)).toBeNull();
    });

    it('creates a record and reads back its data and times', async () => {
      const id = newId();
      const createdAt = Date.now() - 5000;
      const data = { user: { name: 'Zoë', roles: ['a', 'b'] }, n: 1.5, ok: true, none: null, when: { ' d': '2024-01-02T03:04:05.000Z' } };
      expect(await store.save(id, write(data, { create: true, createdAt, touchedAt: createdAt + 1000 }))).toBe('saved');
      const record = await store.get(id);
      expect(record?.data).toEqual(data);
      expect(record?.createdAt).toBe(createdAt);
      expect(record?.touchedAt).toBe(createdAt + 1000);
    });

    it('merges patches: set and unset touch only the named keys, createdAt stays', async () => {
      const id = newId();
      const createdAt = Date.now() - 60000;
      await store.save(id, write({ a: 1, b: 2 }, { create: true, createdAt }));
      expect(await store.save(id, write({ c: 3, a: 10 }))).toBe('saved');
      expect(await store.save(id, write({}, { unset: ['b'] }))).toBe('saved');
      const record = await store.get(id);
      expect(record?.data).toEqual({ a: 10, c: 3 });
      expect(record?.createdAt).toBe(createdAt);
    });

    it('never recreates a missing record on a patch', async () => {
      const id = newId();
      expect(await store.save(id, write({ a: 1 }))).toBe('missing');
      expect(await store.get(id)).toBeNull();
    });

    it('deletes a record that a patch leaves empty', async () => {
      const id = newId();
      await store.save(id, write({ a: 1, b: 2 }, { create: true }));
      expect(await store.save(id, write({}, { unset: ['a', 'b'] }))).toBe('deleted');
      expect(await store.get(id)).toBeNull();
      expect(await store.save(id, write({ a: 1 }))).toBe('missing');
    });

    it('destroys a record; destroying a missing one is not an error', async () => {
      const id = newId();
      await store.save(id, write({ a: 1 }, { create: true }));
      await store.destroy(id);
      expect(await store.get(id)).toBeNull();
      await expect(store.destroy(id)).resolves.toBeUndefined();
    });

    it('expires a record after its ttl', async () => {
      const id = newId();
      await store.save(id, write({ a: 1 }, { create: true, ttl: 1000 }));
      expect((await store.get(id))?.data).toEqual({ a: 1 });
      await sleep(2200);
      expect(await store.get(id)).toBeNull();
    });

    it('touch renews the expiry and touchedAt without changing data, and never recreates', async () => {
      const id = newId();
      await store.save(id, write({ a: 1 }, { create: true, ttl: 1000 }));
      const touchedAt = Date.now();
      expect(await store.touch(id, touchedAt, DAY)).toBe(true);
      await sleep(2200);
      const record = await store.get(id);
      expect(record?.data).toEqual({ a: 1 });
      expect(record?.touchedAt).toBe(touchedAt);
      const gone = newId();
      expect(await store.touch(gone, Date.now(), DAY)).toBe(false);
      expect(await store.get(gone)).toBeNull();
    });

    it('keeps a lifetime longer than 30 days (memcached reads those as timestamps)', async () => {
      const id = newId();
      await store.save(id, write({ a: 1 }, { create: true, ttl: 40 * DAY }));
      expect((await store.get(id))?.data).toEqual({ a: 1 });
      expect(await store.touch(id, Date.now(), 40 * DAY)).toBe(true);
      expect((await store.get(id))?.data).toEqual({ a: 1 });
    });

    it('loses no write: 100 concurrent patches of one session, each setting its own key', async () => {
      const id = newId();
      await store.save(id, write({ start: true }, { create: true }));
      const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => store.save(id, write({ [`k${i}`]: i }))));
      expect(outcomes.every((outcome) => outcome === 'saved')).toBe(true);
      const record = await store.get(id);
      expect(Object.keys(record?.data ?? {}).sort()).toEqual(['start', ...Array.from({ length: 100 }, (_, i) => `k${i}`)].sort());
    });

    it('keeps a destroyed session destroyed: a slower save after the destroy writes nothing', async () => {
      const id = newId();
      await store.save(id, write({ user: 'u1' }, { create: true }));
      const loaded = await store.get(id);
      expect(loaded).not.toBeNull();
      await store.destroy(id);
      expect(await store.save(id, write({ cart: ['late'] }))).toBe('missing');
      expect(await store.touch(id, Date.now(), DAY)).toBe(false);
      expect(await store.get(id)).toBeNull();
    });

    it('keeps concurrent saves racing a destroy from bringing the session back', async () => {
      const id = newId();
      await store.save(id, write({ user: 'u1' }, { create: true }));
      const saves = Array.from({ length: 20 }, (_, i) => store.save(id, write({ [`k${i}`]: i })));
      const destroyed = store.destroy(id);
      await Promise.all([...saves, destroyed]);
      expect(await store.get(id)).toBeNull();
    });

    it('indexes sessions by user when the store supports it', async () => {
      if (!store.findByUser) {
        expect(store.findByUser).toBeUndefined();
        return;
      }
      const user = `user-${newId().slice(0, 8)}`;
      const first = newId();
      const second = newId();
      await store.save(first, write({ uid: user }, { create: true, userId: user }));
      await store.save(second, write({ uid: user }, { create: true, userId: user }));
      expect((await store.findByUser(user)).sort()).toEqual([first, second].sort());
      await store.destroy(first);
      expect(await store.findByUser(user)).toEqual([second]);
      await store.save(second, write({}, { unset: ['uid'], userId: null, set: { other: 1 } }));
      expect(await store.findByUser(user)).toEqual([]);
    });

    // Issue 21, findings 4 and 5: a 300-character id or a NUL read as a 503 on PostgreSQL and
    // MariaDB (varchar(255), text without NUL), and MariaDB's PAD SPACE collation found 'alice'
    // for 'alice '. Every store must take any id and match it exactly.
    it('finds user ids of any length and character, matched exactly (no trailing-space or case folding)', async () => {
      if (!store.findByUser) return;
      const base = `u-${newId().slice(0, 8)}`;
      const users = [
        base,
        `${base} `,
        `${base}  `,
        ` ${base}`,
        base.toUpperCase(),
        `${base}${'x'.repeat(300)}`,
        `${base}${'é'.repeat(5000)}`,
        `${base}\0tail`,
        `${base}-Zoë-😀-\u00e9`,
        `${base}-Zoë-😀-e\u0301`,
        `${base}\r\n{tag}../$gt%`,
      ];
      const owned = new Map<string, string>();
      for (const user of users) {
        const id = newId();
        owned.set(user, id);
        expect(await store.save(id, write({ uid: user }, { create: true, userId: user }))).toBe('saved');
      }
      for (const user of users) expect(await store.findByUser(user)).toEqual([owned.get(user)]);
      expect(await store.findByUser(`${base}x`)).toEqual([]);
      expect(await store.findByUser(base.slice(0, -1))).toEqual([]);
      for (const id of owned.values()) await store.destroy(id);
      for (const user of users) expect(await store.findByUser(user)).toEqual([]);
    });
  });
}
