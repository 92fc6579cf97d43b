import { newSessionId, storeWrite, type ContractCase } from './contract-case';

/**
 * The user index ("log out everywhere", `SessionService.listDevices()`), for stores that have
 * `findByUser`; a store without one passes them by leaving it undefined.
 */
export const USER_INDEX_CASES: ContractCase[] = [
  {
    name: 'indexes sessions by user when the store supports it',
    async run(store, expect) {
      if (!store.findByUser) {
        // eslint-disable-next-line @typescript-eslint/unbound-method -- compared with undefined, never called
        expect(store.findByUser).toBeUndefined();
        return;
      }
      const user = `user-${newSessionId().slice(0, 8)}`;
      const first = newSessionId();
      const second = newSessionId();
      await store.save(first, storeWrite({ uid: user }, { create: true, userId: user }));
      await store.save(second, storeWrite({ uid: user }, { create: true, userId: user }));
      expect((await store.findByUser(user)).sort()).toEqual([first, second].sort());
      await store.destroy(first);
      expect(await store.findByUser(user)).toEqual([second]);
      await store.save(second, storeWrite({}, { unset: ['uid'], userId: null, set: { other: 1 } }));
      expect(await store.findByUser(user)).toEqual([]);
    },
  },
  // Issue 21, findings 4 and 5: a 300-character id or a NUL read as a 503 on PostgreSQL and
  // MariaDB (varchar(255), text without NUL), and MariaDB's PAD SPACE collation found 'alice'
  // for 'alice '. Every store must take any id and match it exactly.
  {
    name: 'finds user ids of any length and character, matched exactly (no trailing-space or case folding)',
    async run(store, expect) {
      if (!store.findByUser) return;
      const base = `u-${newSessionId().slice(0, 8)}`;
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
        const id = newSessionId();
        owned.set(user, id);
        expect(await store.save(id, storeWrite({ uid: user }, { create: true, userId: user }))).toBe('saved');
      }
      for (const user of users) expect(await store.findByUser(user)).toEqual([owned.get(user)]);
      expect(await store.findByUser(`${base}x`)).toEqual([]);
      expect(await store.findByUser(base.slice(0, -1))).toEqual([]);
      for (const id of owned.values()) await store.destroy(id);
      for (const user of users) expect(await store.findByUser(user)).toEqual([]);
    },
  },
];
