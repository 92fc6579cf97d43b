import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CreateSessionTable1767225600000, RedisSessionStore, SessionStore, TypeOrmSessionStore } from 'nest-session';
import type { DataSourceOptions } from 'typeorm';

/**
 * The chosen store, with the connection behind it. nest-session never closes a client or
 * DataSource you pass in, so the app closes it on shutdown.
 */
export interface SampleStore {
  store: SessionStore;
  /** What the startup message prints, without credentials. */
  description: string;
  close(): Promise<void>;
}

/**
 * Picks the store from the environment: REDIS_URL → Redis, DATABASE_URL → PostgreSQL,
 * otherwise an embedded SQLite file under SAMPLE_DATA_DIR (default sample/data).
 */
export async function createSessionStore(env: NodeJS.ProcessEnv = process.env): Promise<SampleStore> {
  if (env.REDIS_URL) return redisStore(env.REDIS_URL);
  if (env.DATABASE_URL) {
    if (!/^postgres(ql)?:\/\//.test(env.DATABASE_URL)) throw new Error('DATABASE_URL must be a postgres:// URL');
    return typeOrmStore({ type: 'postgres', url: env.DATABASE_URL }, `PostgreSQL at ${redact(env.DATABASE_URL)}`);
  }
  const dir = resolve(env.SAMPLE_DATA_DIR ?? join(__dirname, '..', 'data'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'sessions.sqlite');
  return typeOrmStore({ type: 'better-sqlite3', database: file }, `SQLite file ${file}`);
}

async function typeOrmStore(options: DataSourceOptions, description: string): Promise<SampleStore> {
  // Loaded only here, so running on Redis needs no typeorm (and SQLite no pg, and so on).
  const { DataSource } = await import('typeorm');
  // The store's migration creates the session table once; TypeORM records it, so restarts skip it.
  const dataSource = new DataSource({ ...options, migrations: [CreateSessionTable1767225600000], migrationsRun: true });
  await dataSource.initialize();
  const store = new TypeOrmSessionStore({ dataSource });
  const close = async () => {
    await store.close(); // stops the store's cleanup timer before its DataSource goes away
    await dataSource.destroy();
  };
  return { store, description, close };
}

async function redisStore(url: string): Promise<SampleStore> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url);
  const store = new RedisSessionStore({ client });
  const close = async () => {
    await store.close();
    await client.quit();
  };
  return { store, description: `Redis at ${redact(url)}`, close };
}

/** The URL without its password, for the startup message. */
function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
