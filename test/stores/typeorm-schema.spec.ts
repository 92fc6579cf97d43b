import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { SessionSchemaError, SessionStoreUnavailableError } from '../../lib';
import { TypeOrmSessionStore } from '../../lib/stores/typeorm';
import { describeWith, type ServiceName } from '../setup/services';
import { newId, write } from './store-contract';

/**
 * Issue 11.7: a missing table is a deployment mistake, not an outage. `start()` stops the app with
 * the migration to run; without a check at startup, the first call reports the same error (the
 * module answers it with a 500), never a "store unavailable".
 */
const BACKENDS: { name: string; services: ServiceName[]; connection: () => DataSourceOptions }[] = [
  { name: 'SQLite', services: [], connection: () => ({ type: 'better-sqlite3', database: join(mkdtempSync(join(tmpdir(), 'nest-session-schema-')), 's.db') }) },
  { name: 'PostgreSQL', services: ['postgres'], connection: () => ({ type: 'postgres', host: '127.0.0.1', port: 5432, username: 'postgres', database: 'test' }) },
];

for (const backend of BACKENDS) {
  describeWith(backend.services)(`typeorm store on ${backend.name}: schema errors`, () => {
    let dataSource: DataSource;
    const table = `sess_missing_${randomBytes(4).toString('hex')}`;
    const partial = `sess_partial_${randomBytes(4).toString('hex')}`;
    beforeAll(async () => {
      dataSource = await new DataSource(backend.connection()).initialize();
      // A table from an old or hand-made schema: no user_id column.
      await dataSource.query(`CREATE TABLE ${partial} (id varchar(43) PRIMARY KEY, data text NOT NULL, created_at bigint NOT NULL, touched_at bigint NOT NULL, expires_at bigint NOT NULL)`);
    });
    afterAll(async () => {
      await dataSource?.query(`DROP TABLE IF EXISTS ${partial}`);
      const file = dataSource?.options.type === 'better-sqlite3' ? String(dataSource.options.database) : undefined;
      await dataSource?.destroy();
      if (file) rmSync(join(file, '..'), { recursive: true, force: true });
    });

    it('start() refuses a missing table, naming the table and the migration to run', async () => {
      const store = new TypeOrmSessionStore({ dataSource, tableName: table, cleanupInterval: 0 });
      const error = await store.start({ timeout: 1000 }).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(SessionSchemaError);
      expect(error).not.toBeInstanceOf(SessionStoreUnavailableError);
      expect((error as Error).message).toContain(`"${table}"`);
      expect((error as Error).message).toContain('CreateSessionTable1767225600000');
      await store.close();
    });

    it('start() refuses a table that lacks a column', async () => {
      const store = new TypeOrmSessionStore({ dataSource, tableName: partial, cleanupInterval: 0 });
      await expect(store.start({ timeout: 1000 })).rejects.toBeInstanceOf(SessionSchemaError);
      await store.close();
    });

    it('without start(), every call that meets the missing table reports the same error', async () => {
      const store = new TypeOrmSessionStore({ dataSource, tableName: table, cleanupInterval: 0 });
      const id = newId();
      await expect(store.get(id)).rejects.toBeInstanceOf(SessionSchemaError);
      await expect(store.save(id, write({ a: 1 }, { create: true }))).rejects.toBeInstanceOf(SessionSchemaError);
      await expect(store.save(id, write({ a: 1 }))).rejects.toBeInstanceOf(SessionSchemaError);
      await expect(store.touch(id, Date.now(), 1000)).rejects.toBeInstanceOf(SessionSchemaError);
      await expect(store.destroy(id)).rejects.toBeInstanceOf(SessionSchemaError);
      await store.close();
    });

    it('without start(), a save into the table without user_id reports it too', async () => {
      const store = new TypeOrmSessionStore({ dataSource, tableName: partial, cleanupInterval: 0 });
      await expect(store.save(newId(), write({ a: 1 }, { create: true, userId: 'u' }))).rejects.toBeInstanceOf(SessionSchemaError);
      await store.close();
    });
  });
}
