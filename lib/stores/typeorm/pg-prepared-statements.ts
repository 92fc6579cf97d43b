import { createHash } from 'node:crypto';
import type { QueryRunnerLike } from './typeorm-like.types';

/** What one statement gives back: its rows, and how many rows it changed. */
export interface StatementResult {
  records: any[];
  affected: number;
}

/** What pg answers a statement with. */
interface PgResult {
  rows?: any[];
  rowCount?: number | null;
}

/** pg's `Query` (exported as `pg.Query`, and `Client.Query`): a statement that `client.query()` runs as it is given. */
interface PgQueryLike {
  name?: string;
}
type PgQueryClass = new (text: string, values: unknown[], callback: (error: Error | null, result: PgResult) => void) => PgQueryLike;

/** The part of a pg client (TypeORM's PostgreSQL connection) this uses, typed here so `pg` stays optional. */
interface PgClientLike {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<PgResult>;
  query(query: PgQueryLike): unknown;
  readonly constructor: { readonly Query?: PgQueryClass };
}

/**
 * Whether PostgreSQL refused a prepared statement because a migration changed the table under it
 * ("cached plan must not change result type"). Its SQLSTATE, 0A000 (feature_not_supported), is not
 * enough: PostgreSQL raises it for many other things (a trigger or a rule can too), and running
 * such a statement again would run it twice and hide the error behind TypeORM's. The routine
 * stands in for the message on a server whose `lc_messages` translates it.
 */
function isStalePlan(error: unknown): boolean {
  const fields = error as { code?: unknown; message?: unknown; routine?: unknown } | undefined;
  return fields?.code === '0A000' && (fields.message === 'cached plan must not change result type' || fields.routine === 'RevalidateCachedQuery');
}

/**
 * Runs the store's statements on PostgreSQL as named prepared statements: parsed and planned once
 * per connection, not on every call. Why: the one-statement merge of a save took PostgreSQL longer
 * to plan than to run (EXPLAIN ANALYZE: 0.17 ms planning, 0.14 ms execution), and prepared it
 * costs PostgreSQL about half the CPU per save. Each SQL text has one name, derived from the text,
 * and a table has a handful of texts, so a connection holds a handful of statements.
 *
 * The statement goes to the pg client TypeORM holds for the query runner (`runner.connect()`),
 * and to the DataSource's logger as TypeORM's own queries do (its subscribers' `beforeQuery` and
 * `afterQuery` do not see it). A text PostgreSQL refuses to run prepared (a plan cached
 * before a migration changed the table) runs unprepared from then on, through TypeORM.
 * Each call is logged once, the one that falls back included.
 */
export class PgPreparedStatements {
  private readonly names = new Map<string, string>();
  private readonly unprepared = new Set<string>();

  async query(runner: QueryRunnerLike, sql: string, params: unknown[]): Promise<StatementResult> {
    if (this.unprepared.has(sql)) return queryThroughTypeOrm(runner, sql, params);
    const client = (await runner.connect()) as PgClientLike;
    const logger = runner.connection.logger;
    logger?.logQuery(sql, params, runner);
    try {
      return resultOf(await this.run(client, sql, params));
    } catch (error) {
      logger?.logQueryError(error as Error, sql, params, runner);
      throw error;
    }
  }

  /** Prepared; unprepared instead, and from then on, when PostgreSQL refuses the cached plan. */
  private async run(client: PgClientLike, sql: string, params: unknown[]) {
    try {
      return await named(client, this.nameOf(sql), sql, params);
    } catch (error) {
      if (!isStalePlan(error)) throw error;
      this.unprepared.add(sql);
      // The statement failed before it ran: running it again unprepared writes nothing twice. On
      // the same client rather than through TypeORM, which would log the query a second time.
      return client.query({ text: sql, values: params });
    }
  }

  private nameOf(sql: string): string {
    let name = this.names.get(sql);
    if (!name) this.names.set(sql, (name = `nest_session_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`));
    return name;
  }
}

/**
 * Runs `text` as the prepared statement `name`. Through a `Query` of the client's own class where
 * it has one: pg 8.23 copies a query *config* object with `Object.getOwnPropertyDescriptors` on
 * every call, and takes a `Query` as it is (measured: 6 µs of app CPU less a read, 12 less a save;
 * docs/stores/typeorm.md). The name is set after construction because the constructor takes it
 * only inside such a config. pg's pull request #3743 drops the copy, unreleased as of pg 8.23.1.
 */
function named(client: PgClientLike, name: string, text: string, values: unknown[]): Promise<PgResult> {
  const Query = client.constructor.Query;
  if (typeof Query !== 'function') return client.query({ name, text, values });
  return new Promise<PgResult>((resolve, reject) => {
    const query = new Query(text, values, (error, result) => (error ? reject(error) : resolve(result)));
    query.name = name;
    client.query(query);
  });
}

/** pg's result as the store reads it. */
function resultOf(raw: PgResult): StatementResult {
  return { records: raw.rows ?? [], affected: raw.rowCount ?? 0 };
}

/** One statement through TypeORM's query runner. */
export async function queryThroughTypeOrm(runner: QueryRunnerLike, sql: string, params: unknown[]): Promise<StatementResult> {
  const result = await runner.query(sql, params, true);
  return { records: result.records ?? [], affected: result.affected ?? 0 };
}
