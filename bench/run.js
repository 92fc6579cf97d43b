'use strict';
/**
 * nest-session benchmarks, side by side with the other session libraries and with the limits.
 * Run with `npm run bench` (builds the library first). See bench/README.md.
 *
 *   BENCH_QUICK=1       a smoke run of 2-3 minutes (1 round of 1 s runs; scale part only with BENCH_SCALE=1, small)
 *   BENCH_SCALE=0|1     the scale part (1,000 and 1,000,000 sessions, prune); on by default except in quick mode
 *   BENCH_ONLY=regex    only contenders whose id matches
 *   BENCH_SCENARIOS=a,b only these scenarios (none, read, write, new)
 *   BENCH_DURATION, BENCH_WARMUP (s), BENCH_CONNECTIONS, BENCH_ROUNDS, BENCH_SCALE_SIZE
 *   BENCH_RESULTS_DIR   where to write the results (default bench/results)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const config = require('./config');
const { CONTENDERS, SCENARIOS } = require('./contenders');
const { Server, load, commandStats, commandDelta, deleteBenchKeys, median, sleep } = require('./harness');
const { findExport, STORE_EXPORTS } = require('./lib-exports');
const { runScale } = require('./scale');
const { Guard } = require('./cpu');
const { writeReports } = require('./report');

const env = process.env;
const QUICK = env.BENCH_QUICK === '1';
const OPTIONS = {
  quick: QUICK,
  duration: Number(env.BENCH_DURATION || (QUICK ? 1 : 5)),
  warmup: Number(env.BENCH_WARMUP || (QUICK ? 0.25 : 1)),
  firstWarmup: Number(env.BENCH_FIRST_WARMUP || (QUICK ? 0.5 : 3)),
  connections: Number(env.BENCH_CONNECTIONS || 50),
  rounds: Number(env.BENCH_ROUNDS || (QUICK ? 1 : 2)),
  scale: env.BENCH_SCALE ? env.BENCH_SCALE === '1' : !QUICK,
  scaleSizes: env.BENCH_SCALE_SIZE ? [1000, Number(env.BENCH_SCALE_SIZE)] : QUICK ? [1000, 20000] : [1000, 1000000],
  only: env.BENCH_ONLY ? new RegExp(env.BENCH_ONLY) : null,
  scenarios: env.BENCH_SCENARIOS ? env.BENCH_SCENARIOS.split(',') : SCENARIOS.map((s) => s.id),
};
const RESULTS = env.BENCH_RESULTS_DIR ? path.resolve(env.BENCH_RESULTS_DIR) : path.join(__dirname, 'results');
/** Pause around each measured run, so the previous requests have left the server. */
const SETTLE_MS = QUICK ? 50 : 150;

function log(message) {
  const at = new Date().toISOString().slice(11, 19);
  console.log(`[bench ${at}] ${message}`);
}

function tryExec(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    redis: null,
    postgres: null,
  };
}

async function connectServices(info) {
  const services = { redis: null, pg: null, errors: {} };
  try {
    const { Redis } = require('ioredis');
    const redis = new Redis({ ...config.REDIS, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null, lazyConnect: true });
    redis.on('error', () => undefined);
    await redis.connect();
    const server = await redis.info('server');
    info.redis = /redis_version:(\S+)/.exec(server)?.[1] ?? 'unknown';
    services.redisPid = Number(/process_id:(\d+)/.exec(server)?.[1]) || null;
    services.redis = redis;
  } catch (error) {
    services.errors.redis = `Redis unreachable on ${config.REDIS.host}:${config.REDIS.port} (${error.message})`;
  }
  try {
    const { DataSource } = require('typeorm');
    const dataSource = new DataSource({ type: 'postgres', ...config.PG, connectTimeoutMS: 3000, logging: false });
    await dataSource.initialize();
    info.postgres = (await dataSource.query('SHOW server_version'))[0].server_version;
    services.pg = dataSource;
  } catch (error) {
    services.errors.postgres = `PostgreSQL unreachable on ${config.PG.host}:${config.PG.port} (${error.message})`;
  }
  return services;
}

/** Why a contender cannot run here, or null. */
function missingReason(contender, services) {
  if (contender.kind === 'nest-session') {
    const missing = STORE_EXPORTS[contender.store].filter((name) => !findExport(name));
    if (missing.length > 0) return `nest-session does not export ${missing.join(', ')} yet`;
  }
  if (contender.backend === 'redis' && !services.redis) return services.errors.redis;
  if (contender.backend === 'postgres' && !services.pg) return services.errors.postgres;
  return null;
}

/** The store's table, created by the store's own migration (dropped first: the bench owns it). */
async function createSessionTable(dataSource) {
  const CreateSessionTable = findExport('CreateSessionTable1767225600000').value;
  await dataSource.query(`DROP TABLE IF EXISTS ${config.PG_TABLE}`);
  const runner = dataSource.createQueryRunner();
  try {
    await new CreateSessionTable(config.PG_TABLE).up(runner);
  } finally {
    await runner.release();
  }
}

/** Our processes, for telling our CPU time from other work's: runner, contender, Redis, the contender's PostgreSQL backends. */
function pidsOf(server, services) {
  return async () => {
    const pids = [process.pid, server.child.pid];
    if (services.redisPid) pids.push(services.redisPid);
    if (services.pg && server.contender.backend === 'postgres') {
      const rows = await services.pg.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [config.PG_APPLICATION]);
      pids.push(...rows.map((row) => row.pid));
    }
    return pids;
  };
}

/** Counters before or after a run: Redis' own commandstats and the server's client-side counts. */
async function snapshot(server, services) {
  const [stats, commands] = await Promise.all([server.ask('stats'), services.redis ? commandStats(services.redis) : null]);
  return { stats, commands };
}

function perRequest(before, after, requests) {
  const per = (n) => (requests > 0 ? n / requests : null);
  const commands = before.commands && after.commands ? commandDelta(before.commands, after.commands) : null;
  const redisExecuted = commands ? Object.values(commands).reduce((a, b) => a + b, 0) : null;
  return {
    redisRoundTrips: per(after.stats.redisCommands - before.stats.redisCommands),
    redisCommands: redisExecuted === null ? null : per(redisExecuted),
    redisByCommand: commands ? Object.fromEntries(Object.entries(commands).map(([name, calls]) => [name, per(calls)])) : null,
    sqlStatements: per(after.stats.pgQueries - before.stats.pgQueries),
    cpuUsPerRequest: per(after.stats.cpuUs - before.stats.cpuUs),
  };
}

async function measure(server, scenario, services, warmup) {
  const cookies = scenario.cookie ? server.cookies : [];
  const base = { url: server.url, path: scenario.path, connections: OPTIONS.connections, cookies };
  if (warmup > 0) await load({ ...base, duration: warmup });
  await sleep(SETTLE_MS); // let the warm-up's last requests finish on the server
  const before = await snapshot(server, services);
  const { summary } = await load({ ...base, duration: OPTIONS.duration });
  await sleep(SETTLE_MS);
  const after = await snapshot(server, services);
  // Divide by requests sent: requests still in flight when the run stopped reach the server too.
  return { ...summary, ...perRequest(before, after, summary.sent) };
}

function summarize(rounds) {
  const pick = (key) => median(rounds.map((r) => r[key]));
  const byCommand = {};
  for (const round of rounds) for (const [name, value] of Object.entries(round.redisByCommand || {})) (byCommand[name] ||= []).push(value);
  return {
    rps: pick('rps'),
    p50: pick('p50'),
    p99: pick('p99'),
    redisRoundTrips: pick('redisRoundTrips'),
    redisCommands: pick('redisCommands'),
    redisByCommand: Object.fromEntries(Object.entries(byCommand).map(([name, values]) => [name, median(values)])),
    sqlStatements: pick('sqlStatements'),
    cpuUsPerRequest: pick('cpuUsPerRequest'),
    foreignCores: Math.max(...rounds.map((r) => r.foreignCores ?? 0)),
    disturbed: rounds.some((r) => r.disturbed),
    non2xx: rounds.reduce((a, r) => a + r.non2xx, 0),
    errors: rounds.reduce((a, r) => a + r.errors + r.timeouts, 0),
  };
}

async function main() {
  const startedAt = new Date();
  const command = env.npm_lifecycle_event === 'bench' ? 'npm run bench' : `node ${path.relative(process.cwd(), __filename) || 'bench/run.js'}`;
  const envUsed = Object.entries(env).filter(([k]) => k.startsWith('BENCH_')).map(([k, v]) => `${k}=${v}`).join(' ');
  if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run bench` (it builds the library first) or `npm run build`.');
  }
  fs.mkdirSync(RESULTS, { recursive: true });
  const info = machine();
  const services = await connectServices(info);
  log(`${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB, Node ${info.node}; Redis ${info.redis ?? 'down'}, PostgreSQL ${info.postgres ?? 'down'}`);

  const skipped = [];
  const selected = CONTENDERS.filter((c) => !OPTIONS.only || OPTIONS.only.test(c.id));
  const runnable = [];
  for (const contender of selected) {
    const reason = missingReason(contender, services);
    if (reason) skipped.push({ id: contender.id, label: contender.label, reason });
    else runnable.push(contender);
  }
  for (const s of skipped) log(`skipping ${s.id}: ${s.reason}`);
  const deepImports = Object.keys(STORE_EXPORTS).flatMap((store) => STORE_EXPORTS[store]).filter((n, i, a) => a.indexOf(n) === i && findExport(n)?.deep);
  if (deepImports.length > 0) log(`BENCH_DEEP_IMPORT: loaded ${deepImports.join(', ')} from dist/ files (not exported by the package)`);

  if (services.redis) {
    const connected = /connected_clients:(\d+)/.exec(await services.redis.info('clients'))?.[1];
    log(`Redis: ${connected} clients connected before the run; DB ${config.REDIS.db}, keys ${config.KEY_PREFIX}*`);
    await deleteBenchKeys(services.redis);
  }
  if (services.pg && runnable.some((c) => c.backend === 'postgres')) await createSessionTable(services.pg);

  const guard = new Guard({ log, retries: QUICK ? 0 : 2, retryBudget: QUICK ? 0 : 40, waitBudgetMs: QUICK ? 0 : 240_000 });
  const servers = [];
  const results = {};
  let scale = null;
  const cleanup = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    if (services.redis) {
      const deleted = await deleteBenchKeys(services.redis).catch((e) => log(`cleanup of Redis keys failed: ${e.message}`));
      if (deleted !== undefined) log(`Redis: deleted ${deleted} bench keys`);
    }
    if (services.pg) await services.pg.query(`DROP TABLE IF EXISTS ${config.PG_TABLE}`).catch((e) => log(`cleanup of ${config.PG_TABLE} failed: ${e.message}`));
  };
  const onSignal = () => {
    log('interrupted: stopping the servers and cleaning up');
    cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // Start-up is CPU-bound: a few at a time. Servers are kept in the contenders' order.
    const started = new Map();
    const queue = [...runnable];
    const startOne = async () => {
      for (let contender = queue.shift(); contender; contender = queue.shift()) {
        const server = new Server(contender);
        try {
          await server.start();
          await server.createSessions(OPTIONS.connections);
          started.set(contender.id, server);
          log(`started ${contender.id} on port ${server.port}`);
        } catch (error) {
          await server.stop();
          skipped.push({ id: contender.id, label: contender.label, reason: `failed to start: ${error.message}` });
          log(`skipping ${contender.id}: ${error.message}`);
        }
      }
    };
    await Promise.all([startOne(), startOne(), startOne()]);
    for (const contender of runnable) if (started.has(contender.id)) servers.push(started.get(contender.id));

    const scenarios = SCENARIOS.filter((s) => OPTIONS.scenarios.includes(s.id));
    const runs = scenarios.length * OPTIONS.rounds * servers.length;
    const estimate = runs * (OPTIONS.duration + OPTIONS.warmup + 0.6) + servers.length * OPTIONS.firstWarmup;
    log(`${servers.length} contenders x ${scenarios.length} scenarios x ${OPTIONS.rounds} rounds = ${runs} runs, about ${Math.round(estimate / 60)} min`);
    const warmed = new Set();
    for (const scenario of scenarios) {
      results[scenario.id] = {};
      for (let round = 0; round < OPTIONS.rounds; round++) {
        // Round-robin; every other round in reverse, so slow drift (heat, GC, table growth) evens out.
        const order = round % 2 === 0 ? servers : [...servers].reverse();
        for (const server of order) {
          const id = server.contender.id;
          const entry = (results[scenario.id][id] ||= { rounds: [] });
          try {
            const warmup = warmed.has(id) ? OPTIONS.warmup : OPTIONS.firstWarmup;
            warmed.add(id);
            const run = await guard.run(pidsOf(server, services), `${scenario.id} ${id}`, () => measure(server, scenario, services, warmup));
            entry.rounds.push(run);
            log(`${scenario.id.padEnd(5)} r${round + 1} ${id.padEnd(32)} ${run.rps.toFixed(0).padStart(6)} req/s  p50 ${run.p50?.toFixed(2)}  p99 ${run.p99?.toFixed(2)} ms  redis ${run.redisRoundTrips?.toFixed(2)}  sql ${run.sqlStatements?.toFixed(2)}  cpu ${run.cpuUsPerRequest?.toFixed(0)} us  other ${run.foreignCores?.toFixed(2)}${run.non2xx || run.errors ? `  NON-2XX ${run.non2xx} ERR ${run.errors}` : ''}`);
          } catch (error) {
            entry.error = error.message;
            log(`${scenario.id} ${id}: ${error.message}`);
          }
        }
      }
      for (const entry of Object.values(results[scenario.id])) if (entry.rounds.length) entry.median = summarize(entry.rounds);
    }

    if (OPTIONS.scale) {
      scale = await runScale({ servers, services, options: OPTIONS, log, guard: (server, label, fn) => guard.run(pidsOf(server, services), label, fn), pidsOf: (server) => pidsOf(server, services)() });
    }
  } finally {
    await cleanup();
    services.redis?.disconnect();
    await services.pg?.destroy();
  }

  const report = {
    machine: info,
    command: envUsed ? `${envUsed} ${command}` : command,
    options: { ...OPTIONS, only: OPTIONS.only?.source ?? null },
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    minutes: Math.round(((Date.now() - startedAt.getTime()) / 60000) * 10) / 10,
    scenarios: SCENARIOS.filter((s) => OPTIONS.scenarios.includes(s.id)),
    contenders: servers.map((s) => s.contender),
    skipped,
    deepImports,
    disturbance: { retriesUsed: guard.retriesUsed, waitedSeconds: Math.round(guard.waitedMs / 1000), threshold: guard.threshold },
    results,
    scale,
  };
  writeReports(report, RESULTS);
  log(`done in ${report.minutes} min: ${path.relative(process.cwd(), RESULTS)}/results.{json,md}, chart.svg`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
