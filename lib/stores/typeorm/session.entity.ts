import type { EntitySchemaColumnOptions } from 'typeorm';
import { loadOptional } from '../../utils/load-optional';
import { checkDatabaseType, checkTableName, DEFAULT_SESSION_TABLE, SessionDatabaseType, sessionColumns, sessionIndexes } from './session-table';
import type { SessionEntitySchema } from './typeorm-like.types';

/**
 * One row of the session table. Times are epoch milliseconds. `data` is a JSON object of the
 * session's top-level keys with their encoded values, non-ASCII escaped as `\uXXXX`.
 */
export class SessionEntity {
  id!: string;
  data!: string;
  createdAt!: number;
  touchedAt!: number;
  expiresAt!: number;
  userId!: string | null;
}

/** Options of {@link createSessionEntity}. */
export interface SessionEntityOptions {
  /** The `type` of your DataSource; the column types follow it. Required. */
  type: SessionDatabaseType;
  /**
   * Table name; must match the store's `tableName`.
   * @default 'sessions'
   */
  tableName?: string;
}

/** Drivers return `bigint` as strings (pg, mysql2) or numbers (better-sqlite3); the entity reads numbers. */
const toNumber = { to: (value: unknown) => value, from: (value: unknown) => (value == null ? value : Number(value)) };

/**
 * The session table as a TypeORM entity, for `entities: [...]` when you let TypeORM
 * `synchronize` the schema (or want a repository over the table). The store itself needs no
 * entity: it queries the table by name. A function rather than a constant so that `typeorm`
 * loads only in apps that use it, and so the table name and column types can follow your setup;
 * the result matches what the `CreateSessionTable` migration creates.
 */
export function createSessionEntity(options: SessionEntityOptions): SessionEntitySchema {
  const typeorm = loadOptional<typeof import('typeorm')>('typeorm', 'createSessionEntity');
  const tableName = checkTableName(options.tableName ?? DEFAULT_SESSION_TABLE);
  const columns: Record<string, EntitySchemaColumnOptions> = {};
  for (const column of sessionColumns(checkDatabaseType(options.type))) {
    columns[column.property] = {
      name: column.name,
      type: column.type as EntitySchemaColumnOptions['type'],
      length: column.length,
      primary: column.primary,
      nullable: column.nullable ?? false,
      charset: column.charset,
      collation: column.collation,
      transformer: column.type === 'bigint' ? toNumber : undefined,
    };
  }
  const indices = sessionIndexes(tableName).map((index) => ({
    name: index.name,
    columns: [index.column === 'expires_at' ? 'expiresAt' : 'userId'],
  }));
  return new typeorm.EntitySchema<SessionEntity>({ name: 'SessionEntity', target: SessionEntity, tableName, columns, indices });
}
