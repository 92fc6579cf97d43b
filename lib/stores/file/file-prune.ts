import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { releaseLock, tryLock } from './file-lock';
import { hash, readSessionFile } from './session-file';

interface Entry {
  name: string;
  /** The session's expiry: session files carry it as their mtime. */
  expiresAt: number;
}

/** Runs one prune at a time per store; creates that arrive meanwhile ask for one more round. */
export class Pruner {
  private running?: Promise<void>;
  private again = false;

  constructor(
    private readonly directory: string,
    private readonly threshold: number,
    private readonly staleMs: number,
  ) {}

  prune(): Promise<void> {
    if (this.threshold === 0) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await pruneDirectory(this.directory, this.threshold, this.staleMs);
      } while (this.again);
    })()
      .catch(() => undefined) // housekeeping: it never fails the save that started it
      .finally(() => (this.running = undefined));
    return this.running;
  }
}

/**
 * Keeps at most `threshold` session files (Flask-Session's rule): when over it, removes expired
 * files first, then those that expire soonest. One `readdir` per new session, and one `stat` per
 * file only when the count is over the threshold. A file whose lock is held (a save in progress)
 * is skipped rather than removed under the save's feet. The user marker of a removed session goes
 * with it, so a user's marker folder holds about their live sessions, never their past logins
 * (which would make every `findByUser` walk them all). Temporary files left by a crashed process
 * are removed too.
 */
export async function pruneDirectory(directory: string, threshold: number, staleMs: number): Promise<void> {
  const names = await readdir(directory);
  const now = Date.now();
  await Promise.all(names.filter((name) => name.endsWith('.tmp')).map((name) => removeIfOlder(join(directory, name), now - staleMs)));
  const sessions = names.filter((name) => /^[0-9a-f]{64}\.json$/.test(name));
  if (sessions.length <= threshold) return;
  const entries = (await Promise.all(sessions.map((name) => entryOf(directory, name)))).filter((entry): entry is Entry => entry !== null);
  entries.sort((a, b) => a.expiresAt - b.expiresAt);
  let excess = entries.length - threshold;
  for (const entry of entries) {
    const expired = entry.expiresAt <= now;
    if (!expired && excess <= 0) break;
    if (await removeUnlessLocked(directory, entry.name)) excess -= 1;
  }
}

async function entryOf(directory: string, name: string): Promise<Entry | null> {
  try {
    return { name: name.slice(0, -'.json'.length), expiresAt: (await stat(join(directory, name))).mtimeMs };
  } catch {
    return null; // removed meanwhile
  }
}

async function removeUnlessLocked(directory: string, name: string): Promise<boolean> {
  const lockPath = join(directory, `${name}.lock`);
  if (!(await tryLock(lockPath, Number.POSITIVE_INFINITY))) return false;
  try {
    const file = await readSessionFile(join(directory, `${name}.json`));
    await rm(join(directory, `${name}.json`), { force: true });
    if (file?.userId !== undefined) await rm(join(directory, 'users', hash(file.userId), name), { force: true });
    return true;
  } finally {
    await releaseLock(lockPath);
  }
}

async function removeIfOlder(path: string, before: number): Promise<void> {
  try {
    // ctime, not mtime: a temporary file gets its mtime set to the (future) expiry before the rename.
    if ((await stat(path)).ctimeMs < before) await rm(path, { force: true });
  } catch {
    // gone already
  }
}
