import type { DataSource } from 'typeorm';
import { createSessionEntity, FileSessionStore, RedisSessionStore, SessionStore, TypeOrmSessionStore } from '../../../lib';

/**
 * Which store an app process of a fleet opens, as plain JSON (it crosses a process boundary):
 * every process of a fleet gets the same spec, so they all share one store.
 */
export type StoreSpec =
  | { kind: 'redis'; host: string; port: number; prefix: string }
  | { kind: 'sentinel'; sentinels: Array<{ host: string; port: number }>; name: string; prefix: string }
  | { kind: 'cluster'; nodes: Array<{ host: string; port: number }>; prefix: string }
  | { kind: 'typeorm'; type: 'postgres' | 'mariadb'; host: string; port: number; username: string; database: string; tableName: string }
  | { kind: 'file'; directory: string; lockTimeout?: number };

/** The store of a spec, opened as an app would open it, and how to close what it opened. */
export async function openStore(spec: StoreSpec): Promise<{ store: SessionStore; close(): Promise<void> }> {
  switch (spec.kind) {
    case 'redis':
      return owned(new RedisSessionStore({ connection: { host: spec.host, port: spec.port }, prefix: spec.prefix }));
    case 'sentinel':
      return owned(new RedisSessionStore({ connection: { sentinels: spec.sentinels, name: spec.name }, prefix: spec.prefix }));
    case 'cluster':
      return owned(new RedisSessionStore({ cluster: { nodes: spec.nodes }, prefix: spec.prefix }));
    case 'file':
      return owned(new FileSessionStore({ directory: spec.directory, lockTimeout: spec.lockTimeout }));
    case 'typeorm': {
      const dataSource = sessionDataSource(spec);
      await dataSource.initialize();
      const store = new TypeOrmSessionStore({ dataSource, tableName: spec.tableName });
      // The store leaves the DataSource to the app: the module closes the store, the app the DataSource.
      return { store, close: async () => void (await dataSource.destroy().catch(() => undefined)) };
    }
  }
}

/** A DataSource for a session table, with the entity registered as the docs show (not initialized). */
export function sessionDataSource(spec: Extract<StoreSpec, { kind: 'typeorm' }>, synchronize = false): DataSource {
  const { type, host, port, username, database, tableName } = spec;
  // Loaded here: the Redis and file fleets do not pay for loading TypeORM.
  const { DataSource } = require('typeorm') as typeof import('typeorm');
  return new DataSource({ type, host, port, username, database, entities: [createSessionEntity({ type, tableName })], synchronize, logging: false });
}

/** Stores that own their client are closed by the module on shutdown; nothing else to do. */
function owned(store: SessionStore): { store: SessionStore; close(): Promise<void> } {
  return { store, close: async () => undefined };
}
