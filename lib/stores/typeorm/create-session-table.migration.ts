import { loadOptional } from '../../utils/load-optional';
import { checkDatabaseType, checkTableName, DEFAULT_SESSION_TABLE, sessionColumns, sessionIndexes } from './session-table';
import type { QueryRunnerLike } from './typeorm-like.types';

/**
 * Creates the session table and its two indexes (`expires_at` for the cleanup, `user_id` for
 * `findByUser`), for apps that run migrations instead of `synchronize`. Works on PostgreSQL,
 * MySQL/MariaDB and SQLite; the result matches `createSessionEntity()`.
 *
 * For another table name, subclass it under a name that ends in a 13-digit timestamp (TypeORM
 * orders migrations by it):
 *
 *     export class CreateAuthSessions1767312000000 extends CreateSessionTable1767225600000 {
 *       constructor() { super('auth_sessions'); }
 *     }
 *
 * It is a TypeORM `MigrationInterface`; the typings do not say so by name, so that apps without
 * `typeorm` installed still compile against this package.
 */
export class CreateSessionTable1767225600000 {
  /**
   * @param tableName the table to create; must match the store's `tableName`.
   * @param name the migration name TypeORM records; defaults to the class name.
   */
  constructor(
    readonly tableName: string = DEFAULT_SESSION_TABLE,
    readonly name?: string,
  ) {
    checkTableName(tableName);
  }

  async up(queryRunner: QueryRunnerLike): Promise<void> {
    const { Table } = loadOptional<typeof import('typeorm')>('typeorm', 'CreateSessionTable');
    const type = checkDatabaseType(queryRunner.connection.driver.options.type);
    const table = new Table({
      name: this.tableName,
      columns: sessionColumns(type).map((column) => ({
        name: column.name,
        type: column.type,
        length: column.length,
        isPrimary: column.primary ?? false,
        isNullable: column.nullable ?? false,
        charset: column.charset,
        collation: column.collation,
      })),
      indices: sessionIndexes(this.tableName).map((index) => ({ name: index.name, columnNames: [index.column] })),
    });
    await queryRunner.createTable(table, true);
  }

  async down(queryRunner: QueryRunnerLike): Promise<void> {
    await queryRunner.dropTable(this.tableName, true);
  }
}
