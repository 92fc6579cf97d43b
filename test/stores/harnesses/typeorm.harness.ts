import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, DataSourceOptions, Logger } from 'typeorm';
import { CreateSessionTable1767225600000, createSessionEntity, TypeOrmSessionStore, TypeOrmSessionStoreOptions } from '../../../lib/stores/typeorm';
import type { SessionDatabaseType } from '../../../lib/stores/typeorm';
import type { StoreHarness } from '../store-contract';

/** A TypeORM store on its own DataSource and its own freshly migrated table. */
export interface TypeOrmHarness extends StoreHarness {
  store: TypeOrmSessionStore;
  dataSource: DataSource;
  tableName: string;
  /** SQL the DataSource ran since the last `recordQueries()` call (starts recording). */
  queries: QueryRecorder;
}

type StoreOptions = Omit<TypeOrmSessionStoreOptions, 'dataSource' | 'tableName'>;

/** `pool`: pg's pool options (`{ max: 1 }` keeps every statement on one connection). */
export function openPostgres(options: StoreOptions = {}, pool?: Record<string, unknown>): Promise<TypeOrmHarness> {
  return open({ type: 'postgres', host: '127.0.0.1', port: 5432, username: 'postgres', database: 'test', extra: pool }, options);
}

export function openMariaDb(options: StoreOptions = {}): Promise<TypeOrmHarness> {
  return open({ type: 'mariadb', host: '127.0.0.1', port: 3306, username: 'root', database: 'test' }, options);
}

/** SQLite in a file of a fresh temp directory, removed by `cleanup()`. */
export async function openSqlite(options: StoreOptions = {}): Promise<TypeOrmHarness> {
  const directory = mkdtempSync(join(tmpdir(), 'nest-session-sqlite-'));
  const harness = await open({ type: 'better-sqlite3', database: join(directory, 'sessions.db') }, options);
  const cleanup = harness.cleanup;
  return {
    ...harness,
    cleanup: async () => {
      await cleanup();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Keeps the SQL a DataSource runs, while recording. */
export class QueryRecorder implements Logger {
  private recording = false;
  readonly sql: string[] = [];

  start(): string[] {
    this.sql.length = 0;
    this.recording = true;
    return this.sql;
  }

  logQuery(query: string): void {
    if (this.recording) this.sql.push(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/**
 * Creates a DataSource as an app would (the entity registered, no synchronize), runs the
 * migration under a table name unique to this run (a subclass, as the migration's docs show),
 * and on cleanup closes the store, reverts the migration and destroys the DataSource.
 */
async function open(connection: DataSourceOptions, options: StoreOptions): Promise<TypeOrmHarness> {
  const suffix = randomBytes(5).toString('hex');
  const tableName = `sess_${suffix}`;
  const migrationName = `CreateSessionTable${Date.now()}`;
  class Migration extends CreateSessionTable1767225600000 {
    constructor() {
      super(tableName, migrationName);
    }
  }
  const queries = new QueryRecorder();
  const dataSource = new DataSource({
    ...connection,
    entities: [createSessionEntity({ type: connection.type as SessionDatabaseType, tableName })],
    migrations: [Migration],
    migrationsTableName: `migrations_${suffix}`,
    logger: queries,
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  const store = new TypeOrmSessionStore({ dataSource, tableName, ...options });
  const cleanup = async () => {
    await store.close();
    await dataSource.undoLastMigration();
    await dataSource.query(`DROP TABLE ${dataSource.driver.escape(`migrations_${suffix}`)}`);
    await dataSource.destroy();
  };
  return { store, dataSource, tableName, queries, cleanup };
}
