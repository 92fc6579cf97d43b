import { resolve } from 'node:path';
import { SessionOptionsError } from '../../errors';
import type { FileLockOptions } from './file-lock';

/** Options of {@link FileSessionStore}. */
export interface FileSessionStoreOptions {
  /** Directory of the session files, created (mode 0700) if missing. Required. */
  directory: string;
  /**
   * Most sessions kept (Flask-Session's `SESSION_FILE_THRESHOLD`). When a new session goes over
   * it, expired files go first, then those closest to expiry (the least recently used ones, since
   * every save and touch moves the expiry). `0` turns pruning off.
   * @default 500
   */
  threshold?: number;
  /** `fsync` each file and its directory before a save returns: durable across power loss, slower. @default false */
  fsync?: boolean;
  /**
   * Age in ms after which a lock file is taken for the leftover of a crashed process. A live
   * holder keeps its lock for the time of one small read and write.
   * @default 5000
   */
  lockStale?: number;
  /**
   * How long a save waits for the lock of its session before failing, in ms. A call never waits
   * past its timeout (the module's `storeTimeout`) whatever this says.
   * @default 1500
   */
  lockTimeout?: number;
}

/** The options checked, with their defaults, and the directory as an absolute path. */
export interface FileSessionSettings {
  directory: string;
  fsync: boolean;
  lock: FileLockOptions;
  threshold: number;
}

/** Checks the options; a missing directory or a count that is not a whole number >= 0 throws {@link SessionOptionsError}. */
export function fileSessionSettings(options: FileSessionStoreOptions): FileSessionSettings {
  if (typeof options?.directory !== 'string' || options.directory === '') {
    throw new SessionOptionsError('FileSessionStore needs a `directory`.');
  }
  return {
    directory: resolve(options.directory),
    fsync: options.fsync ?? false,
    lock: { staleMs: count(options.lockStale ?? 5000, 'lockStale'), timeoutMs: count(options.lockTimeout ?? 1500, 'lockTimeout') },
    threshold: count(options.threshold ?? 500, 'threshold'),
  };
}

function count(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new SessionOptionsError(`FileSessionStore \`${name}\` must be a whole number >= 0, got ${value}.`);
  return value;
}
