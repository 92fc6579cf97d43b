import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionStore } from '../../lib';
import { runStoreContract } from 'nest-session/testing';
import { readDoc, ROOT, splitMarkdown } from './markdown-files';

/**
 * The store written on docs/writing-a-store.md, taken from the page as it is, passes the same
 * contract suite as the shipped stores, over a small in-memory backend with versioned reads and
 * conditional writes (the shape the page describes: memcached's gets/CAS, etcd, DynamoDB).
 */
interface VersionedKv {
  read(key: string): Promise<{ value: string; version: number } | null>;
  create(key: string, value: string, ttlMs: number): Promise<boolean>;
  replace(key: string, value: string, version: number, ttlMs: number): Promise<boolean>;
  remove(key: string, version?: number): Promise<boolean>;
}

/** Versioned, expiring entries in a Map; every call yields to the event loop first, as a network backend would. */
class MemoryKv implements VersionedKv {
  private readonly entries = new Map<string, { value: string; version: number; expiresAt: number }>();
  private version = 0;

  async read(key: string) {
    await Promise.resolve();
    const entry = this.live(key);
    return entry ? { value: entry.value, version: entry.version } : null;
  }

  async create(key: string, value: string, ttlMs: number) {
    await Promise.resolve();
    if (this.live(key)) return false;
    this.entries.set(key, { value, version: ++this.version, expiresAt: Date.now() + ttlMs });
    return true;
  }

  async replace(key: string, value: string, version: number, ttlMs: number) {
    await Promise.resolve();
    if (this.live(key)?.version !== version) return false;
    this.entries.set(key, { value, version: ++this.version, expiresAt: Date.now() + ttlMs });
    return true;
  }

  async remove(key: string, version?: number) {
    await Promise.resolve();
    const entry = this.live(key);
    if (!entry || (version !== undefined && entry.version !== version)) return false;
    return this.entries.delete(key);
  }

  private live(key: string) {
    const entry = this.entries.get(key);
    return entry && entry.expiresAt > Date.now() ? entry : undefined;
  }
}

async function loadDocumentedStore(): Promise<new (kv: VersionedKv) => SessionStore> {
  const block = splitMarkdown(readDoc('docs/writing-a-store.md')).blocks.find((candidate) => candidate.lang === 'ts' && candidate.code.includes('class KvSessionStore'));
  if (!block) throw new Error('docs/writing-a-store.md has no KvSessionStore example');
  const dir = join(ROOT, 'test-output', 'writing-a-store');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'kv-session.store.ts');
  writeFileSync(file, block.code);
  const module = (await import(file)) as { KvSessionStore: new (kv: VersionedKv) => SessionStore };
  return module.KvSessionStore;
}

runStoreContract('the store of docs/writing-a-store.md', async () => {
  const KvSessionStore = await loadDocumentedStore();
  return { store: new KvSessionStore(new MemoryKv()), cleanup: async () => undefined };
});
