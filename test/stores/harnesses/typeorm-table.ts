import type { TypeOrmHarness } from './typeorm.harness';

/** Direct SQL on a harness's session table, to check what the store really holds. */
export class SessionTable {
  readonly table: string;

  constructor(private readonly harness: TypeOrmHarness) {
    this.table = harness.dataSource.driver.escape(harness.tableName);
  }

  /** `{table}` for the escaped table name, `?` placeholders (numbered for PostgreSQL). */
  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    let n = 0;
    const text = this.harness.dataSource.options.type === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql;
    return this.harness.dataSource.query(text.replaceAll('{table}', this.table), params);
  }

  async row(id: string): Promise<Record<string, unknown> | undefined> {
    return (await this.query('SELECT * FROM {table} WHERE id = ?', [id]))[0];
  }

  async count(): Promise<number> {
    return Number((await this.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM {table}'))[0].n);
  }

  /** Inserts rows directly, 500 per statement. */
  async insert(rows: { id: string; expiresAt: number; data?: string; userId?: string }[]): Promise<void> {
    for (let start = 0; start < rows.length; start += 500) {
      const chunk = rows.slice(start, start + 500);
      const params = chunk.flatMap((row) => [row.id, row.data ?? '{"a":1}', 1, 1, row.expiresAt, row.userId ?? null]);
      const values = chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ');
      await this.query(`INSERT INTO {table} (id, data, created_at, touched_at, expires_at, user_id) VALUES ${values}`, params);
    }
  }

  /** Column name -> declared type, and index name -> its columns, read from the catalog. */
  async inspect(): Promise<{ columns: Record<string, string>; indexes: Record<string, string[]> }> {
    const name = this.harness.tableName;
    const type = this.harness.dataSource.options.type;
    const [columns, indexes] =
      type === 'postgres'
        ? [
            await this.query(
              `SELECT column_name AS name, data_type || COALESCE('(' || character_maximum_length || ')', '') || CASE WHEN is_nullable = 'YES' THEN ' null' ELSE '' END AS type
               FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?`,
              [name],
            ),
            await this.query(
              `SELECT i.relname AS name, a.attname AS "column" FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid
               JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(x.indkey)
               WHERE t.relname = ? AND t.relnamespace = current_schema()::regnamespace`,
              [name],
            ),
          ]
        : type === 'better-sqlite3'
          ? [
              await this.query(`SELECT name, lower(type) || CASE WHEN "notnull" = 1 THEN '' ELSE ' null' END AS type FROM pragma_table_info(?)`, [name]),
              await this.query('SELECT l.name AS name, i.name AS "column" FROM pragma_index_list(?) l JOIN pragma_index_info(l.name) i', [name]),
            ]
          : [
              await this.query(
                `SELECT COLUMN_NAME AS name, CONCAT(COLUMN_TYPE, COALESCE(CONCAT(' ', COLLATION_NAME), ''), IF(IS_NULLABLE = 'YES', ' null', '')) AS type
                 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
                [name],
              ),
              await this.query('SELECT INDEX_NAME AS name, COLUMN_NAME AS `column` FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [name]),
            ];
    const result = { columns: {} as Record<string, string>, indexes: {} as Record<string, string[]> };
    for (const column of columns) result.columns[String(column.name)] = String(column.type);
    for (const index of indexes) (result.indexes[String(index.name)] ??= []).push(String(index.column));
    return result;
  }
}
