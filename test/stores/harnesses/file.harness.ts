import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSessionStore, type FileSessionStoreOptions } from '../../../lib/stores/file';
import type { StoreHarness } from '../store-contract';

export interface FileHarness extends StoreHarness {
  store: FileSessionStore;
  /** The store's directory, for looking at the files it really wrote. */
  directory: string;
}

/** A file store in a fresh temporary directory of its own, removed by `cleanup`. */
export async function openFileStore(options: Omit<FileSessionStoreOptions, 'directory'> = {}): Promise<FileHarness> {
  const directory = await mkdtemp(join(tmpdir(), 'nest-session-file-'));
  const store = new FileSessionStore({ ...options, directory });
  return { store, directory, cleanup: () => rm(directory, { recursive: true, force: true }) };
}
