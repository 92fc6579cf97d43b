import { createHash } from 'node:crypto';
import { acquireLock, releaseLock } from '../file/file-lock';
import { KeyedMutex } from '../shared/keyed-mutex';
import type { ReleaseUserLock } from '../shared/user-lock';

/**
 * User locks for SQLite, which has no named locks: a lock file beside the database file
 * (`open(..., 'wx')`, see the file store), so processes sharing the file take turns; taken over
 * as stale only after five store timeouts. An in-memory database lives in one process, where an
 * in-process queue is the whole lock.
 */
export class SqliteUserLock {
  private readonly queue = new KeyedMutex();

  constructor(private readonly database: string | undefined) {}

  lock(name: string, timeout: number): Promise<ReleaseUserLock> {
    const file = this.database && this.database !== ':memory:' && !this.database.startsWith('file::memory:') ? this.database : undefined;
    if (!file) {
      return new Promise((acquired) => {
        void this.queue.run(name, () => new Promise<void>((release) => acquired(async () => release())));
      });
    }
    const path = `${file}.nest-session-${createHash('sha256').update(name).digest('hex').slice(0, 32)}.userlock`;
    return acquireLock(path, { staleMs: timeout * 5, timeoutMs: timeout }).then(() => () => releaseLock(path).catch(() => undefined));
  }
}
