import { SessionOptionsError } from '../../errors';

/** The `type` of the TypeORM DataSources the session store runs on. */
export type SessionDatabaseType = 'postgres' | 'mysql' | 'mariadb' | 'better-sqlite3';

const SUPPORTED: readonly string[] = ['postgres', 'mysql', 'mariadb', 'better-sqlite3'];

/** Default name of the session table. */
export const DEFAULT_SESSION_TABLE = 'sessions';

/** One column, described once for both the entity and the migration so the two never drift. */
export interface SessionColumn {
  property: 'id' | 'data' | 'createdAt' | 'touchedAt' | 'expiresAt' | 'userId';
  name: string;
  type: string;
  length?: string;
  nullable?: boolean;
  primary?: boolean;
  charset?: string;
  collation?: string;
}

/**
 * The columns on one database. Times are epoch milliseconds in `bigint`: compared as plain numbers
 * on every database, with no time zone or driver date conversion in the way. On MySQL/MariaDB the
 * data column is `mediumtext` (`text` stops at 64 KiB, the default `maxSize`), and ids and user
 * ids use binary collations: the default collations ignore case, and `Bob` must not match `bob`.
 * `user_id` holds the hex SHA-256 of the user id (see session-user-id.ts), so any id fits it.
 */
export function sessionColumns(type: SessionDatabaseType): SessionColumn[] {
  const mysql = type === 'mysql' || type === 'mariadb';
  const binary = (charset: string): Pick<SessionColumn, 'charset' | 'collation'> => (mysql ? { charset, collation: `${charset}_bin` } : {});
  return [
    { property: 'id', name: 'id', type: 'varchar', length: '43', primary: true, ...binary('ascii') },
    { property: 'data', name: 'data', type: mysql ? 'mediumtext' : 'text', ...binary('utf8mb4') },
    { property: 'createdAt', name: 'created_at', type: 'bigint' },
    { property: 'touchedAt', name: 'touched_at', type: 'bigint' },
    { property: 'expiresAt', name: 'expires_at', type: 'bigint' },
    { property: 'userId', name: 'user_id', type: 'varchar', length: '255', nullable: true, ...binary('utf8mb4') },
  ];
}

/** Names of the two indexes; fixed, so `synchronize` after the migration finds nothing to change. */
export function sessionIndexes(tableName: string): { name: string; column: 'expires_at' | 'user_id' }[] {
  const table = tableName.split('.').pop() as string;
  return [
    { name: `IDX_${table}_expires_at`, column: 'expires_at' },
    { name: `IDX_${table}_user_id`, column: 'user_id' },
  ];
}

/**
 * Table names become SQL identifiers, so only plain ones are accepted (an optional schema, then
 * the table), short enough that the index names stay under PostgreSQL's 63-character limit.
 */
export function checkTableName(tableName: string): string {
  if (!/^([A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,47}$/.test(tableName)) {
    throw new SessionOptionsError(`tableName "${tableName}" is not a plain SQL name: use letters, digits and _ (at most 48), optionally after "schema."`);
  }
  return tableName;
}

export function checkDatabaseType(type: string): SessionDatabaseType {
  if (!SUPPORTED.includes(type)) {
    throw new SessionOptionsError(`TypeOrmSessionStore supports ${SUPPORTED.join(', ')} DataSources, not "${type}"`);
  }
  return type as SessionDatabaseType;
}
