import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hash } from './session-file';

/**
 * Where things live in the store's directory: `<name>.json` per session and `<name>.lock` while
 * a save holds it (`name` being the session's {@link fileNameOf}), and
 * `users/<sha256(userId)>/<name>` empty marker files for `findByUser`.
 */
export class SessionDirectory {
  private ready?: Promise<void>;

  /** @param path the directory, absolute */
  constructor(readonly path: string) {}

  /** Creates the directory and its `users` folder (mode 0700) once; after a failure, the next call tries again. */
  init(): Promise<void> {
    this.ready ??= mkdir(join(this.path, 'users'), { recursive: true, mode: 0o700 }).then(
      () => undefined,
      (error: unknown) => {
        this.ready = undefined;
        throw error;
      },
    );
    return this.ready;
  }

  sessionPath(name: string): string {
    return join(this.path, `${name}.json`);
  }

  lockPath(name: string): string {
    return join(this.path, `${name}.lock`);
  }

  userFolder(userId: string): string {
    return join(this.path, 'users', hash(userId));
  }

  /** Records that the session `name` belongs to `userId`. */
  async mark(userId: string, name: string): Promise<void> {
    const folder = this.userFolder(userId);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await writeFile(join(folder, name), '', { mode: 0o600 });
  }

  async unmark(userId: string, name: string): Promise<void> {
    await rm(join(this.userFolder(userId), name), { force: true });
  }
}
