import { BaseSessionStore, checkSessionId, KeyedMutex, mergeChangeSet, SessionStoreTimeoutError, type SaveOutcome, type SessionRecord, type SessionWrite } from 'nest-session';

const NAME = 'MapSessionStore';

interface Entry {
  /** The record as JSON, as a network backend would hold it: nothing the caller holds is shared. */
  json: string;
  expiresAt: number;
  userId?: string;
}

/** Yields to the event loop, as a call to a network backend would: races between saves can happen. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A session store over a Map, built the way docs/writing-a-store.md describes and from the public
 * kit only ('nest-session'): `BaseSessionStore` keeps the module's timeout, `KeyedMutex` makes
 * the read-merge-write of one id atomic, `mergeChangeSet` applies the change-set and the
 * emptied-session rule, `checkSessionId` refuses an id that is not one. It has a user index.
 */
export class MapSessionStore extends BaseSessionStore {
  private readonly entries = new Map<string, Entry>();
  private readonly users = new Map<string, Set<string>>();
  private readonly ids = new KeyedMutex();

  async get(id: string): Promise<SessionRecord | null> {
    await tick();
    const entry = this.live(checkSessionId(id, NAME));
    return entry ? (JSON.parse(entry.json) as SessionRecord) : null;
  }

  save(id: string, write: SessionWrite): Promise<SaveOutcome> {
    const deadline = Date.now() + this.timeout;
    return this.ids.run(checkSessionId(id, NAME), async () => {
      await tick();
      // A call that waited past its deadline for its turn gives up before it writes anything.
      if (Date.now() > deadline) throw new SessionStoreTimeoutError(NAME, this.timeout);
      const entry = this.live(id);
      if (!entry && !write.create) return 'missing';
      const current = entry ? (JSON.parse(entry.json) as SessionRecord) : undefined;
      const data = mergeChangeSet(current?.data ?? {}, write);
      if (!data) {
        this.remove(id);
        return 'deleted';
      }
      const record: SessionRecord = { data, createdAt: current?.createdAt ?? write.createdAt, touchedAt: write.touchedAt };
      const userId = write.userId === undefined ? entry?.userId : (write.userId ?? undefined);
      this.index(id, entry?.userId, userId);
      this.entries.set(id, { json: JSON.stringify(record), expiresAt: Date.now() + write.ttl, userId });
      return 'saved';
    });
  }

  touch(id: string, touchedAt: number, ttl: number): Promise<boolean> {
    return this.ids.run(checkSessionId(id, NAME), async () => {
      await tick();
      const entry = this.live(id);
      if (!entry) return false;
      const record = { ...(JSON.parse(entry.json) as SessionRecord), touchedAt };
      this.entries.set(id, { ...entry, json: JSON.stringify(record), expiresAt: Date.now() + ttl });
      return true;
    });
  }

  destroy(id: string): Promise<void> {
    return this.ids.run(checkSessionId(id, NAME), async () => {
      await tick();
      this.remove(id);
    });
  }

  override async findByUser(userId: string): Promise<string[]> {
    await tick();
    return [...(this.users.get(userId) ?? [])].filter((id) => this.live(id)?.userId === userId);
  }

  /** The entry, unless it has expired (then it is dropped). */
  private live(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry && entry.expiresAt <= Date.now()) this.remove(id);
    return entry && entry.expiresAt > Date.now() ? entry : undefined;
  }

  private remove(id: string): void {
    this.index(id, this.entries.get(id)?.userId, undefined);
    this.entries.delete(id);
  }

  private index(id: string, from: string | undefined, to: string | undefined): void {
    if (from === to) return;
    if (from !== undefined) this.users.get(from)?.delete(id);
    if (to !== undefined) this.users.set(to, (this.users.get(to) ?? new Set()).add(id));
  }
}
