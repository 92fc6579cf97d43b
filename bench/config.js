'use strict';
/** Settings shared by the runner and the contender servers. */

const env = process.env;

const REDIS_HOST = env.BENCH_REDIS_HOST || '127.0.0.1';
const REDIS_PORT = Number(env.BENCH_REDIS_PORT || 6379);
/** A Redis DB index of its own, and a key prefix, so the bench never touches anyone else's keys. */
const REDIS_DB = Number(env.BENCH_REDIS_DB || 13);
const KEY_PREFIX = 'nsbench:';

module.exports = {
  SECRET: 'bench-secret-that-is-well-over-thirty-two-characters',
  REDIS: { host: REDIS_HOST, port: REDIS_PORT, db: REDIS_DB },
  KEY_PREFIX,
  PREFIXES: {
    nestSession: `${KEY_PREFIX}ns:`,
    connectRedis: `${KEY_PREFIX}cr:`,
    fastifyRedis: `${KEY_PREFIX}fs:`,
    raw: `${KEY_PREFIX}raw:`,
  },
  PG: {
    host: env.BENCH_PG_HOST || '127.0.0.1',
    port: Number(env.BENCH_PG_PORT || 5432),
    username: env.BENCH_PG_USER || 'postgres',
    database: env.BENCH_PG_DATABASE || 'test',
  },
  /** The store's table for the bench; dropped at the end. */
  PG_TABLE: 'nsbench_sessions',
  /** connect-pg-simple's table (its own layout), made and dropped by its contender's process. */
  PG_SIMPLE_TABLE: 'nsbench_pgsimple',
  /** application_name of the contenders' connections, to find their backends' CPU time. */
  PG_APPLICATION: 'nsbench-server',
  /**
   * ioredis `enableAutoPipelining` for the Redis clients the bench creates itself (hand-written
   * routes, connect-redis): on, as on the clients nest-session's Redis store creates, so that every
   * contender talks to Redis the same way. BENCH_AUTOPIPELINING=0 turns it off.
   */
  AUTOPIPELINING: env.BENCH_AUTOPIPELINING !== '0',
  /**
   * Cores of the contender under load and of the runner (autocannon), each process pinned with
   * `taskset`: on a 2-core machine the server gets core 0 to itself and the load generator core
   * 1, Redis and PostgreSQL float. BENCH_PIN=0 leaves scheduling to the kernel (the server and
   * the load generator then share a core in some rounds and not in others).
   */
  PIN: env.BENCH_PIN === '0' || require('node:os').availableParallelism() < 2 ? undefined : { server: 0, runner: 1 },
  /** Sessions live 31 days, as the store default; long enough to never expire during a run. */
  LIFETIME: 31 * 24 * 3600 * 1000,
};
