import { FileLockTimeoutError } from '../../errors/file-lock-timeout.error';
import { open, rm, stat } from 'node:fs/promises';

/**
 * A lock that works across processes sharing one directory: an exclusive lock file.
 *
 * `open(path, 'wx')` creates the file only if it does not exist, atomically, on every local
 * filesystem (O_CREAT|O_EXCL), so exactly one contender wins; the others retry with a short
 * jittered backoff. A holder only reads and rewrites one small file, so a lock older than
 * `staleMs` belongs to a process that died while holding it, and is removed.
 *
 * Known limit: two processes that find the same stale lock at the same instant can both remove
 * it, and the second removal may hit the lock the first one just took. That needs a holder to
 * have died and two waiters to wake within the same few microseconds; NFS is not supported.
 */
export interface FileLockOptions {
  /** Age in ms after which a lock file is taken for the leftover of a crashed process. */
  staleMs: number;
  /** How long to wait for a busy lock before failing, in ms. */
  timeoutMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the lock, waiting for it; throws {@link FileLockTimeoutError} after `timeoutMs`. */
export async function acquireLock(path: string, options: FileLockOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 1;
  while (!(await tryLock(path, options.staleMs))) {
    if (Date.now() >= deadline) throw new FileLockTimeoutError(path, options.timeoutMs);
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 25);
  }
}

/** Takes the lock if it is free (or stale); `false` when another holder has it. */
export async function tryLock(path: string, staleMs: number): Promise<boolean> {
  if (await create(path)) return true;
  const age = await ageOf(path);
  // Released between our attempt and the stat: free now, so try once more.
  if (age === undefined) return create(path);
  if (age < staleMs) return false;
  await rm(path, { force: true });
  return create(path);
}

export async function releaseLock(path: string): Promise<void> {
  await rm(path, { force: true });
}

async function create(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Milliseconds since the lock file was created; `undefined` when it no longer exists. */
async function ageOf(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
