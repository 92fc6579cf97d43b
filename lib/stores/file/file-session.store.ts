import { createHash } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SaveOutcome, SessionRecord, SessionWrite, StoreSettings } from '../../contract/session-store';
import { SessionStoreTimeoutError } from '../../errors/session-store-timeout.error';
import { BaseSessionStore, KeyedMutex, mergeChangeSet } from '../shared';
import { SessionDirectory } from './file-directory';
import { acquireLock, type FileLockOptions, releaseLock, tryLock } from './file-lock';
import { Pruner } from './file-prune';
import { fileSessionSettings, type FileSessionStoreOptions } from './file-session.options';
import { fileNameOf, readSessionFile, type SessionFile, writeSessionFile } from './session-file';

export type { FileSessionStoreOptions } from './file-session.options';

/**
 * Sessions as JSON files in one directory, like Flask-Session's filesystem store, safe for
 * several processes sharing the directory (not over NFS).
 *
 * Layout: `<sha256(id)>.json` per session (its mtime is its expiry), `<sha256(id)>.lock` while a
 * save holds it, and `users/<sha256(userId)>/<sha256(id)>` empty marker files for `findByUser`.
 * Reads take no lock (files are replaced by atomic renames); every read-modify-write holds the
 * session's lock file, so concurrent saves from any process merge instead of overwriting.
 *
 * Timeouts: a call waits for its lock at most until its deadline (the timeout of `start()`), and
 * renames or removes a session file only before it, so a call that timed out has changed no
 * session. (A user marker written first may stay; `findByUser` drops markers without a session.)
 */
export class FileSessionStore extends BaseSessionStore {
  private readonly directory: SessionDirectory;
  private readonly fsync: boolean;
  private readonly lock: FileLockOptions;
  private readonly queue = new KeyedMutex();
  private readonly pruner: Pruner;

  constructor(options: FileSessionStoreOptions) {
    super();
    const settings = fileSessionSettings(options);
    this.directory = new SessionDirectory(settings.directory);
    this.fsync = settings.fsync;
    this.lock = settings.lock;
    this.pruner = new Pruner(settings.directory, settings.threshold, this.lock.staleMs);
  }

  override async start(settings: StoreSettings): Promise<void> {
    await super.start(settings);
  }

  async get(id: string): Promise<SessionRecord | null> {
    const name = fileNameOf(id);
    const file = await readSessionFile(this.directory.sessionPath(name));
    if (file?.id !== id) return null;
    if (file.expiresAt <= Date.now()) {
      void this.removeIfExpired(name).catch(() => undefined);
      return null;
    }
    return { data: file.data, createdAt: file.createdAt, touchedAt: file.touchedAt };
  }

  async save(id: string, write: SessionWrite): Promise<SaveOutcome> {
    const name = fileNameOf(id);
    const deadline = Date.now() + this.timeout;
    await this.directory.init();
    let created = false;
    const outcome = await this.locked(name, deadline, async (): Promise<SaveOutcome> => {
      let file = await this.live(name, id);
      if (!file) {
        if (!write.create) return 'missing';
        file = { id, data: {}, createdAt: write.createdAt, touchedAt: write.touchedAt, expiresAt: 0 };
        created = true;
      }
      const data = mergeChangeSet(file.data, write);
      if (data === null) {
        await this.remove(name, file, deadline);
        return 'deleted';
      }
      const userId = write.userId === undefined ? file.userId : (write.userId ?? undefined);
      // Marker first, session second: a crash in between leaves a marker without a session
      // (dropped by findByUser), never a session that findByUser cannot find.
      if (userId !== undefined && userId !== file.userId) await this.directory.mark(userId, name);
      await writeSessionFile(
        this.directory.path,
        name,
        { id, data, createdAt: file.createdAt, touchedAt: write.touchedAt, expiresAt: Date.now() + write.ttl, userId },
        this.fsync,
        deadline,
        this.timeout,
      );
      if (file.userId !== undefined && file.userId !== userId) await this.directory.unmark(file.userId, name);
      return 'saved';
    });
    if (created && outcome === 'saved') await this.pruner.prune();
    return outcome;
  }

  async touch(id: string, touchedAt: number, ttl: number): Promise<boolean> {
    const name = fileNameOf(id);
    const deadline = Date.now() + this.timeout;
    await this.directory.init();
    return this.locked(name, deadline, async () => {
      const file = await this.live(name, id);
      if (!file) return false;
      await writeSessionFile(this.directory.path, name, { ...file, touchedAt, expiresAt: Date.now() + ttl }, this.fsync, deadline, this.timeout);
      return true;
    });
  }

  async destroy(id: string): Promise<void> {
    const name = fileNameOf(id);
    const deadline = Date.now() + this.timeout;
    await this.directory.init();
    await this.locked(name, deadline, async () => {
      const file = await readSessionFile(this.directory.sessionPath(name));
      await this.remove(name, file, deadline);
    });
  }

  /**
   * A lock on the user for `maxSessionsPerUser`: a lock file beside the sessions, shared by every
   * process on the directory. Taken for stale only after five store timeouts (at least
   * `lockStale`), longer than any holder runs.
   */
  override async lockUser(userId: string): Promise<() => Promise<void>> {
    await this.directory.init();
    const path = join(this.directory.path, `user-${createHash('sha256').update(userId).digest('hex')}.userlock`);
    await acquireLock(path, { staleMs: Math.max(this.lock.staleMs, this.timeout * 5), timeoutMs: this.timeout });
    return () => releaseLock(path).catch(() => undefined);
  }

  /** Reads the user's marker folder and checks each session under its lock; dead markers go. */
  override async findByUser(userId: string): Promise<string[]> {
    const folder = this.directory.userFolder(userId);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const ids: string[] = [];
    for (const name of names.filter((entry) => /^[0-9a-f]{64}$/.test(entry))) {
      await this.locked(name, Date.now() + this.timeout, async () => {
        const file = await readSessionFile(this.directory.sessionPath(name));
        if (file?.userId === userId && file.expiresAt > Date.now()) ids.push(file.id);
        else await rm(join(folder, name), { force: true });
      });
    }
    return ids;
  }

  /** In-process queue first, then the cross-process lock file, waited for until `deadline` at most. */
  private locked<T>(name: string, deadline: number, task: () => Promise<T>): Promise<T> {
    return this.queue.run(name, async () => {
      const lockPath = this.directory.lockPath(name);
      const left = Math.min(this.lock.timeoutMs, deadline - Date.now());
      if (left <= 0) throw new SessionStoreTimeoutError('FileSessionStore', this.timeout);
      await acquireLock(lockPath, { ...this.lock, timeoutMs: left });
      try {
        return await task();
      } finally {
        await releaseLock(lockPath);
      }
    });
  }

  private async live(name: string, id: string): Promise<SessionFile | null> {
    const file = await readSessionFile(this.directory.sessionPath(name));
    return file?.id === id && file.expiresAt > Date.now() ? file : null;
  }

  private async remove(name: string, file: SessionFile | null, deadline = Number.POSITIVE_INFINITY): Promise<void> {
    if (Date.now() > deadline) throw new SessionStoreTimeoutError('FileSessionStore', this.timeout);
    await rm(this.directory.sessionPath(name), { force: true });
    if (file?.userId !== undefined) await this.directory.unmark(file.userId, name);
  }

  /** Deletes an expired file seen by `get`, unless a save holds its lock right now. */
  private async removeIfExpired(name: string): Promise<void> {
    const lockPath = this.directory.lockPath(name);
    if (!(await tryLock(lockPath, this.lock.staleMs))) return;
    try {
      const file = await readSessionFile(this.directory.sessionPath(name));
      if (file && file.expiresAt <= Date.now()) await this.remove(name, file);
    } finally {
      await releaseLock(lockPath);
    }
  }
}
