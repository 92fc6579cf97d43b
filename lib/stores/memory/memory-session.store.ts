import type { SaveOutcome, SessionRecord, SessionWrite } from '../../contract/session-store';
import { BaseSessionStore, KeyedMutex, mergeChangeSet } from '../shared';

/** Options of {@link MemorySessionStore}. */
export interface MemorySessionStoreOptions {
  /**
   * Most sessions kept. When full, the least recently used session is dropped, so anonymous
   * traffic cannot grow the process without bound.
   * @default 10000
   */
  maxSessions?: number;
}

interface MemoryEntry extends SessionRecord {
  expiresAt: number;
  userId?: string;
}

/**
 * Sessions in a `Map` of this process: for development and tests. Data is lost on restart and
 * not shared between processes. Values are kept in encoded form and copied on the way in and out,
 * so callers never share objects with the store. Every call completes synchronously inside the
 * process, so a call never outlives a timeout: there is nothing to bound.
 */
export class MemorySessionStore extends BaseSessionStore {
  private readonly entries = new Map<string, MemoryEntry>();
  private readonly users = new Map<string, Set<string>>();
  private readonly userLocks = new KeyedMutex();
  private readonly maxSessions: number;

  constructor(options: MemorySessionStoreOptions = {}) {
    super();
    this.maxSessions = options.maxSessions ?? 10000;
  }

  /** Number of live sessions (expired ones are counted until they are next looked at). */
  get size(): number {
    return this.entries.size;
  }

  async get(id: string): Promise<SessionRecord | null> {
    const entry = this.live(id);
    if (!entry) return null;
    return { data: structuredClone(entry.data), createdAt: entry.createdAt, touchedAt: entry.touchedAt };
  }

  async save(id: string, write: SessionWrite): Promise<SaveOutcome> {
    let entry = this.live(id);
    if (!entry) {
      if (!write.create) return 'missing';
      entry = { data: {}, createdAt: write.createdAt, touchedAt: write.touchedAt, expiresAt: 0 };
    }
    const data = mergeChangeSet(entry.data, { set: structuredClone(write.set), unset: write.unset });
    if (data === null) {
      this.remove(id);
      return 'deleted';
    }
    entry.data = data;
    entry.touchedAt = write.touchedAt;
    entry.expiresAt = Date.now() + write.ttl;
    if (write.userId !== undefined) this.index(id, entry, write.userId);
    this.entries.delete(id);
    this.entries.set(id, entry);
    this.evict();
    return 'saved';
  }

  async touch(id: string, touchedAt: number, ttl: number): Promise<boolean> {
    const entry = this.live(id);
    if (!entry) return false;
    entry.touchedAt = touchedAt;
    entry.expiresAt = Date.now() + ttl;
    this.entries.delete(id);
    this.entries.set(id, entry);
    return true;
  }

  async destroy(id: string): Promise<void> {
    this.remove(id);
  }

  /** The memory store lives in one process: an in-process queue per user is the whole lock. */
  override lockUser(userId: string): Promise<() => Promise<void>> {
    return new Promise((acquired) => {
      void this.userLocks.run(userId, () => new Promise<void>((release) => acquired(async () => release())));
    });
  }

  override async findByUser(userId: string): Promise<string[]> {
    return [...(this.users.get(userId) ?? [])].filter((id) => this.live(id));
  }

  private remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.index(id, entry, null);
  }

  private live(id: string): MemoryEntry | undefined {
    const entry = this.entries.get(id);
    if (entry && entry.expiresAt <= Date.now()) {
      this.remove(id);
      return undefined;
    }
    return entry;
  }

  private index(id: string, entry: MemoryEntry, userId: string | null): void {
    if (entry.userId !== undefined && entry.userId !== userId) {
      const ids = this.users.get(entry.userId);
      ids?.delete(id);
      if (ids?.size === 0) this.users.delete(entry.userId);
    }
    if (userId === null) {
      delete entry.userId;
      return;
    }
    entry.userId = userId;
    const ids = this.users.get(userId) ?? new Set<string>();
    ids.add(id);
    this.users.set(userId, ids);
  }

  private evict(): void {
    for (const [id] of this.entries) {
      if (this.entries.size <= this.maxSessions) return;
      this.remove(id);
    }
  }
}
