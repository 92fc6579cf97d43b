import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FileSessionStore } from '../../lib/stores/file';
import { hash } from '../../lib/stores/file/session-file';
import { openFileStore } from './harnesses/file.harness';
import { newId, runStoreContract, write } from './store-contract';

runStoreContract('file', () => openFileStore());

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const jsonFiles = async (directory: string) => (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();

describe('file store: what it writes', () => {
  it('names files by the hash of the id and keeps the data, times and expiry in JSON', async () => {
    const { store, directory, cleanup } = await openFileStore();
    try {
      const id = newId();
      const before = Date.now();
      await store.save(id, write({ cart: [1, 2] }, { create: true, ttl: 60000, userId: 'ann' }));
      expect(await jsonFiles(directory)).toEqual([`${hash(id)}.json`]);
      const file = JSON.parse(await readFile(join(directory, `${hash(id)}.json`), 'utf8'));
      expect(file).toMatchObject({ id, data: { cart: [1, 2] }, userId: 'ann' });
      expect(file.expiresAt).toBeGreaterThanOrEqual(before + 60000);
      expect(await readdir(join(directory, 'users', hash('ann')))).toEqual([hash(id)]);
      expect((await readdir(directory)).filter((name) => name.endsWith('.lock') || name.endsWith('.tmp'))).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});

describe('file store: ids never become paths', () => {
  it('refuses an id with ../ before touching the file system', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'nest-session-escape-'));
    try {
      await writeFile(join(parent, 'victim.json'), 'keep');
      const store = new FileSessionStore({ directory: join(parent, 'store') });
      for (const id of ['../victim', `../${'a'.repeat(40)}`, `..%2F${'a'.repeat(38)}`, `${'a'.repeat(42)}/`, `${'a'.repeat(42)}\0`]) {
        await expect(store.save(id, write({ a: 1 }, { create: true }))).rejects.toThrow(RangeError);
        await expect(store.get(id)).rejects.toThrow(RangeError);
        await expect(store.touch(id, Date.now(), 1000)).rejects.toThrow(RangeError);
        await expect(store.destroy(id)).rejects.toThrow(RangeError);
      }
      expect(await readdir(parent)).toEqual(['victim.json']);
      expect(await readFile(join(parent, 'victim.json'), 'utf8')).toBe('keep');
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});

describe('file store: locks', () => {
  it('waits for a held lock and fails after lockTimeout without writing', async () => {
    const { store, directory, cleanup } = await openFileStore({ lockTimeout: 300 });
    try {
      const id = newId();
      await store.save(id, write({ a: 1 }, { create: true }));
      await writeFile(join(directory, `${hash(id)}.lock`), '');
      const started = Date.now();
      await expect(store.save(id, write({ b: 2 }))).rejects.toThrow(/could not lock/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect((await store.get(id))?.data).toEqual({ a: 1 });
    } finally {
      await cleanup();
    }
  });

  it('takes over a lock left by a crashed process once it is older than lockStale', async () => {
    const { store, directory, cleanup } = await openFileStore({ lockStale: 1000, lockTimeout: 300 });
    try {
      const id = newId();
      await store.save(id, write({ a: 1 }, { create: true }));
      const lock = join(directory, `${hash(id)}.lock`);
      await writeFile(lock, '');
      const old = new Date(Date.now() - 5000);
      await utimes(lock, old, old);
      expect(await store.save(id, write({ b: 2 }))).toBe('saved');
      expect((await store.get(id))?.data).toEqual({ a: 1, b: 2 });
      expect(await readdir(directory)).not.toContain(`${hash(id)}.lock`);
    } finally {
      await cleanup();
    }
  });
});

describe('file store: pruning (threshold)', () => {
  it('keeps the newest sessions when a create goes over the threshold', async () => {
    const { store, directory, cleanup } = await openFileStore({ threshold: 5 });
    try {
      const ids = Array.from({ length: 8 }, () => newId());
      for (const id of ids) {
        await store.save(id, write({ a: 1 }, { create: true, ttl: 60000 }));
        await sleep(5);
      }
      expect(await jsonFiles(directory)).toEqual(ids.slice(3).map((id) => `${hash(id)}.json`).sort());
      for (const id of ids.slice(0, 3)) expect(await store.get(id)).toBeNull();
      for (const id of ids.slice(3)) expect(await store.get(id)).not.toBeNull();
    } finally {
      await cleanup();
    }
  });

  it('counts a touch as use: the least recently used session goes first', async () => {
    const { store, cleanup } = await openFileStore({ threshold: 3 });
    try {
      const [a, b, c, d] = [newId(), newId(), newId(), newId()];
      for (const id of [a, b, c]) {
        await store.save(id, write({ a: 1 }, { create: true, ttl: 60000 }));
        await sleep(5);
      }
      expect(await store.touch(a, Date.now(), 60000)).toBe(true);
      await sleep(5);
      await store.save(d, write({ a: 1 }, { create: true, ttl: 60000 }));
      expect(await store.get(b)).toBeNull();
      for (const id of [a, c, d]) expect(await store.get(id)).not.toBeNull();
    } finally {
      await cleanup();
    }
  });

  it('removes every expired file when pruning, not only the excess', async () => {
    const { store, directory, cleanup } = await openFileStore({ threshold: 4 });
    try {
      const expired = [newId(), newId()];
      for (const id of expired) await store.save(id, write({ a: 1 }, { create: true, ttl: 50 }));
      await sleep(100);
      const live = [newId(), newId(), newId()];
      for (const id of live) await store.save(id, write({ a: 1 }, { create: true, ttl: 60000 }));
      expect(await jsonFiles(directory)).toEqual(live.map((id) => `${hash(id)}.json`).sort());
    } finally {
      await cleanup();
    }
  });
});

/**
 * Four real processes patch one session on one directory at the same time (each sends its 25
 * saves at once): only the lock file stands between them and lost updates.
 */
const WORKER = `
const fs = require('node:fs');
const { transformSync } = require('@swc/core');
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename, module: { type: 'commonjs' },
    jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
  });
  module._compile(code, filename);
};
const { FileSessionStore } = require(process.env.STORE_MODULE);
const store = new FileSessionStore({ directory: process.env.STORE_DIR });
// This checks merging across processes, not speed: 100 queued saves of one session can take
// longer than the default timeout on a loaded machine (store-timeout.spec.ts tests timeouts).
void store.start({ timeout: 60000 });
const worker = process.env.WORKER;
process.stdout.write('ready\\n');
process.stdin.once('data', async () => {
  const now = Date.now();
  const outcomes = await Promise.all(Array.from({ length: 25 }, (_, i) =>
    store.save(process.env.SESSION_ID, { create: false, set: { ['w' + worker + 'k' + i]: i }, unset: [], createdAt: now, touchedAt: now, ttl: 60000 })));
  process.stdout.write(JSON.stringify(outcomes) + '\\n');
});
`;

describe('file store: several processes on one directory', () => {
  it('loses no write: 4 processes x 25 concurrent patches of one session', async () => {
    const { store, cleanup, directory } = await openFileStore();
    try {
      const id = newId();
      await store.save(id, write({ start: true }, { create: true }));
      const env = { ...process.env, STORE_MODULE: resolve(__dirname, '../../lib/stores/file'), STORE_DIR: directory, SESSION_ID: id };
      const children = [0, 1, 2, 3].map((worker) => spawn(process.execPath, ['-e', WORKER], { cwd: resolve(__dirname, '../..'), env: { ...env, WORKER: String(worker) } }));
      const lines = children.map((child) => lineReader(child));
      expect(await Promise.all(lines.map((next) => next()))).toEqual(['ready', 'ready', 'ready', 'ready']);
      for (const child of children) child.stdin.write('go\n');
      const outcomes = (await Promise.all(lines.map((next) => next()))).map((line) => JSON.parse(line) as string[]);
      for (const child of children) child.stdin.end();
      expect(outcomes.flat()).toEqual(Array(100).fill('saved'));
      const keys = Object.keys((await store.get(id))?.data ?? {}).sort();
      const expected = ['start', ...[0, 1, 2, 3].flatMap((worker) => Array.from({ length: 25 }, (_, i) => `w${worker}k${i}`))].sort();
      expect(keys).toEqual(expected);
    } finally {
      await cleanup();
    }
  }, 60000);
});

/** Reads a child's stdout line by line; rejects with its stderr if it exits first. */
function lineReader(child: ReturnType<typeof spawn>): () => Promise<string> {
  let buffer = '';
  let stderr = '';
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  const lines: string[] = [];
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  child.stdout?.on('data', (chunk) => {
    buffer += chunk;
    for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      const next = waiting.shift();
      if (next) next.resolve(line);
      else lines.push(line);
    }
  });
  child.on('exit', (code) => {
    for (const next of waiting.splice(0)) next.reject(new Error(`worker exited with ${code}: ${stderr}`));
  });
  return () => (lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise((resolve, reject) => waiting.push({ resolve, reject })));
}
