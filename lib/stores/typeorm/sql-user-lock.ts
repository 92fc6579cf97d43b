import { createHash } from 'node:crypto';
import { pollLock, type ReleaseUserLock } from '../shared/user-lock';
import type { DataSourceLike } from './typeorm-like.types';

/**
 * A lock on one user shared by every process on the same database, held by a connection of its
 * own: a PostgreSQL session advisory lock (`pg_try_advisory_lock`) or a MariaDB/MySQL named lock
 * (`GET_LOCK`). Both die with their connection, so a process that crashes holding one frees it.
 * The lock's connection is taken from the DataSource's pool for the length of the login's check.
 */
export async function lockSqlUser(dataSource: DataSourceLike, type: string, name: string, timeout: number): Promise<ReleaseUserLock> {
  const digest = createHash('sha256').update(`nest-session:${name}`).digest();
  const runner = dataSource.createQueryRunner();
  const postgres = type === 'postgres';
  // PostgreSQL keys are one bigint; MariaDB names at most 64 characters.
  const key = postgres ? digest.readBigInt64BE(0).toString() : `nest-session:${digest.toString('hex').slice(0, 40)}`;
  try {
    await pollLock('TypeOrmSessionStore', timeout, async () => {
      const [row] = (await runner.query(postgres ? 'SELECT pg_try_advisory_lock($1::bigint) AS locked' : 'SELECT GET_LOCK(?, 0) AS locked', [key])) as { locked: unknown }[];
      return row?.locked === true || Number(row?.locked) === 1;
    });
  } catch (error) {
    await runner.release();
    throw error;
  }
  return async () => {
    await runner.query(postgres ? 'SELECT pg_advisory_unlock($1::bigint)' : 'SELECT RELEASE_LOCK(?)', [key]).catch(() => undefined);
    await runner.release();
  };
}
