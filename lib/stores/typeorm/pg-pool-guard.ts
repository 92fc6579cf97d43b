import type { Logger } from '@nestjs/common';
import type { DataSourceLike } from './typeorm-like.types';

/** The part of pg's Pool this uses, typed here so `pg` stays an optional dependency. */
interface PgPool {
  on(event: 'connect', listener: (client: { on(event: 'error', listener: (error: Error) => void): void }) => void): void;
}

/**
 * pg-pool hands a new connection over before TypeORM listens for its errors. A PostgreSQL
 * shutdown that lands in that gap emits an 'error' nobody handles, and Node ends the process
 * (node-postgres#2762). Every connection of the DataSource's pools gets a listener here, once
 * the pools exist: the failed query still becomes a 503, and the process lives.
 *
 * @returns whether the pools existed and are now guarded
 */
export function guardPgPools(dataSource: DataSourceLike, logger: Logger): boolean {
  const driver = dataSource.driver as unknown as { master?: PgPool; slaves?: PgPool[] };
  if (!driver.master) return false;
  for (const pool of [driver.master, ...(driver.slaves ?? [])]) {
    pool.on('connect', (client) => client.on('error', (error) => logger.warn(`PostgreSQL connection error: ${error.message}`)));
  }
  return true;
}
