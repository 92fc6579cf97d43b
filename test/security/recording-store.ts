import type { SaveOutcome, SessionRecord, SessionWrite } from '../../lib';
import { SessionStore } from '../../lib';

/**
 * A real store with a log: every id the session layer asks about, and every id it created. Used to
 * prove that no id the server did not issue ever reaches the store. It only records; the real
 * store underneath does the work.
 */
export class RecordingStore extends SessionStore {
  readonly created = new Set<string>();
  readonly asked: string[] = [];

  constructor(private readonly inner: SessionStore) {
    super();
    if (inner.findByUser) this.findByUser = (userId) => inner.findByUser!(userId);
  }

  override findByUser?: (userId: string) => Promise<string[]>;

  get(id: string): Promise<SessionRecord | null> {
    this.asked.push(id);
    return this.inner.get(id);
  }

  save(id: string, write: SessionWrite): Promise<SaveOutcome> {
    if (write.create) this.created.add(id);
    else this.asked.push(id);
    return this.inner.save(id, write);
  }

  touch(id: string, touchedAt: number, ttl: number): Promise<boolean> {
    this.asked.push(id);
    return this.inner.touch(id, touchedAt, ttl);
  }

  destroy(id: string): Promise<void> {
    this.asked.push(id);
    return this.inner.destroy(id);
  }

  /** Ids the store was asked about that the server never created. */
  strangers(): string[] {
    return [...new Set(this.asked.filter((id) => !this.created.has(id)))];
  }
}
