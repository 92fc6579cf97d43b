import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionRecord } from '../../contract/session-store';
import { SessionStoreTimeoutError } from '../../errors/session-store-timeout.error';
import { checkSessionId } from '../shared/session-id';

/** What one session file holds (JSON). */
export interface SessionFile extends SessionRecord {
  /** The session id itself: file names are hashes, and `findByUser` must answer with ids. */
  id: string;
  /** Epoch milliseconds after which the session is dead, whatever the file system says. */
  expiresAt: number;
  userId?: string;
}

/**
 * The file name of a session: the SHA-256 of its id, in hex. The id format is checked again here
 * (not only by the core) and the name is built from the hash alone, so no id can ever name a path
 * outside the directory; hex names also cannot collide on case-insensitive file systems, and a
 * directory listing does not reveal live session ids.
 */
export function fileNameOf(id: string): string {
  return hash(checkSessionId(id, 'FileSessionStore'));
}

export function hash(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Reads a session file; `null` when it is missing or not a session file we wrote. */
export async function readSessionFile(path: string): Promise<SessionFile | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const file = JSON.parse(text) as SessionFile;
    const valid = typeof file.id === 'string' && typeof file.data === 'object' && file.data !== null && typeof file.expiresAt === 'number';
    return valid ? file : null;
  } catch {
    // Writes are atomic renames, so a torn file is not ours; treat it as no session at all.
    return null;
  }
}

/**
 * Replaces a session file atomically: the JSON goes to a temporary file in the same directory,
 * which is renamed over the old one, so a reader sees either the old or the new file, never half
 * of one. The file's mtime is set to the session's expiry, so pruning can order and expire files
 * with one `stat` each instead of reading them.
 *
 * The rename is the write's only visible step, so it happens only before `deadline` (epoch ms):
 * a write that took longer leaves the old file in place and fails with a timeout.
 */
export async function writeSessionFile(directory: string, name: string, file: SessionFile, fsync: boolean, deadline: number, timeout: number): Promise<void> {
  const target = join(directory, `${name}.json`);
  const temp = join(directory, `${name}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(serialize(file));
      if (fsync) await handle.sync();
      const expires = new Date(file.expiresAt);
      await handle.utimes(expires, expires);
    } finally {
      await handle.close();
    }
    if (Date.now() > deadline) throw new SessionStoreTimeoutError('FileSessionStore', timeout);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  if (fsync) await syncDirectory(directory);
}

function serialize(file: SessionFile): string {
  const { id, data, createdAt, touchedAt, expiresAt, userId } = file;
  return JSON.stringify({ id, data, createdAt, touchedAt, expiresAt, userId });
}

/** Makes the rename itself durable (POSIX); platforms that cannot open a directory skip it. */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Windows cannot fsync a directory; the rename is as durable as the platform allows.
  } finally {
    await handle?.close();
  }
}
