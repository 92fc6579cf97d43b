import type { SaveOutcome, SessionRecord, SessionStore as Store, SessionWrite, StoreSettings } from '../../lib';
import { SessionStore } from '../../lib';

export type StoreOperation = 'get' | 'save' | 'touch' | 'destroy';

/**
 * A real store that counts the calls the session layer makes to it, per operation: what a test
 * asserts as "store calls per request". It only counts; the store underneath does the work.
 */
export class CountingStore extends SessionStore {
  readonly calls: Record<StoreOperation, number> = { get: 0, save: 0, touch: 0, destroy: 0 };
  /** Operations that fail, as a store whose server went away fails them (for outage scenarios). */
  readonly failing = new Set<StoreOperation>();

  constructor(readonly inner: Store) {
    super();
  }

  /** Resets the counts and returns the object that will hold the next ones. */
  reset(): Record<StoreOperation, number> {
    for (const key of Object.keys(this.calls) as StoreOperation[]) this.calls[key] = 0;
    return this.calls;
  }

  override start(settings: StoreSettings): Promise<void> {
    return this.inner.start?.(settings) ?? Promise.resolve();
  }

  get(id: string): Promise<SessionRecord | null> {
    this.calls.get++;
    if (this.failing.has('get')) return Promise.reject(new Error('connection lost'));
    return this.inner.get(id);
  }

  save(id: string, write: SessionWrite): Promise<SaveOutcome> {
    this.calls.save++;
    if (this.failing.has('save')) return Promise.reject(new Error('connection lost'));
    return this.inner.save(id, write);
  }

  touch(id: string, touchedAt: number, ttl: number): Promise<boolean> {
    this.calls.touch++;
    if (this.failing.has('touch')) return Promise.reject(new Error('connection lost'));
    return this.inner.touch(id, touchedAt, ttl);
  }

  destroy(id: string): Promise<void> {
    this.calls.destroy++;
    if (this.failing.has('destroy')) return Promise.reject(new Error('connection lost'));
    return this.inner.destroy(id);
  }
}
