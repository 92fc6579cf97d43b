import { MemorySessionStore } from '../../lib';
import { newId, runStoreContract, write } from './store-contract';

runStoreContract('memory', async () => ({ store: new MemorySessionStore(), cleanup: async () => undefined }));

describe('memory store bounds', () => {
  it('drops the least recently used session when full', async () => {
    const store = new MemorySessionStore({ maxSessions: 3 });
    const ids = [newId(), newId(), newId(), newId()];
    for (const id of ids.slice(0, 3)) await store.save(id, write({ a: 1 }, { create: true }));
    await store.touch(ids[0], Date.now(), 60000);
    await store.save(ids[3], write({ a: 1 }, { create: true }));
    expect(store.size).toBe(3);
    expect(await store.get(ids[1])).toBeNull();
    expect(await store.get(ids[0])).not.toBeNull();
    expect(await store.get(ids[3])).not.toBeNull();
  });
});
