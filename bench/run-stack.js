'use strict';
/**
 * The benchmarks of one stack (bench/stacks/<name>), in the stack's own Node: started by
 * bench/run.js with BENCH_STACK set, after the stack has been installed and nest-session packed
 * into it. See bench/README.md.
 *
 *   BENCH_QUICK=1       a smoke run (1 round of 1 s runs)
 *   BENCH_FULL=1        every contender on every scenario (default: the set that checks the targets)
 *   BENCH_MULTI=0|1     the multi-process part (default on); BENCH_MULTI_PLATFORMS=express,fastify
 *   BENCH_SCALE=0|1     the scale part (1,000 and 1,000,000 sessions, prune); on by default on the targets' stack (nest12)
 *   BENCH_GRAPHQL=1     the GraphQL part (session read and write in resolvers); off by default
 *   BENCH_SECURITY=1    the CSRF check and session events part; off by default
 *   BENCH_MEMORY=0|1    Redis bytes per stored session on a private redis-server (default on);
 *                       BENCH_MEMORY_SESSIONS (default 20000)
 *   BENCH_ONLY=regex    only contenders whose id matches
 *   BENCH_SCENARIOS=a,b only these scenarios (none, read, write, new, dupcookie, gql-read, gql-write, csrf-post, login)
 *   BENCH_DURATION, BENCH_WARMUP (s), BENCH_CONNECTIONS, BENCH_ROUNDS, BENCH_SCALE_SIZE
 *   BENCH_RESULTS_DIR   where to write the results (default bench/results/<stack>)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const config = require('./config');
const { stack, stackRequire, installedVersion, librarySource } = require('./stack');
const { CONTENDERS, SCENARIOS, MULTI, OPT_IN, GRAPHQL_PACKAGES, findContender } = require('./contenders');
const { Server, pinProcess, load, requestOf, commandStats, commandDelta, deleteBenchKeys, median, sleep } = require('./harness');
const { findExport, STORE_EXPORTS } = require('./lib-exports');
const { runScale } = require('./scale');
const { runMemory } = require('./memory');
const { Guard } = require('./cpu');
const { writeReports } = require('./report');
const { createSessionTable } = require('./session-table');

const env = process.env;
const QUICK = env.BENCH_QUICK === '1';
const flag = (name, fallback) => (env[name] ? env[name] === '1' : fallback);
const OPTIONS = {
  quick: QUICK,
  full: flag('BENCH_FULL', false),
  duration: Number(env.BENCH_DURATION || (QUICK ? 1 : 3)),
  warmup: Number(env.BENCH_WARMUP || (QUICK ? 0.25 : 0.5)),
  firstWarmup: Number(env.BENCH_FIRST_WARMUP || (QUICK ? 0.5 : 2)),
  connections: Number(env.BENCH_CONNECTIONS || 50),
  rounds: Number(env.BENCH_ROUNDS || (QUICK ? 1 : 3)),
  multi: flag('BENCH_MULTI', true),
  multiPlatforms: env.BENCH_MULTI_PLATFORMS ? env.BENCH_MULTI_PLATFORMS.split(',') : MULTI.defaultPlatforms,
  /** On by default on the stack the targets are set on (package.json `bench.targets`: NestJS 12 + Node 24). */
  scale: flag('BENCH_SCALE', stack.targets),
  memory: flag('BENCH_MEMORY', true),
  /** The opt-in parts that are on (OPT_IN in contenders.js: graphql, security). */
  optIn: Object.keys(OPT_IN).filter((part) => flag(OPT_IN[part], false)),
  scaleSizes: env.BENCH_SCALE_SIZE ? [1000, Number(env.BENCH_SCALE_SIZE)] : QUICK ? [1000, 20000] : [1000, 1000000],
  only: env.BENCH_ONLY ? new RegExp(env.BENCH_ONLY) : null,
  scenarios: env.BENCH_SCENARIOS ? env.BENCH_SCENARIOS.split(',') : SCENARIOS.map((s) => s.id),
  autopipelining: config.AUTOPIPELINING,
};
const RESULTS = env.BENCH_RESULTS_DIR ? path.resolve(env.BENCH_RESULTS_DIR) : path.join(__dirname, 'results', stack.name);
/** Pause around each measured run, so the previous requests have left the server. */
const SETTLE_MS = QUICK ? 50 : 150;

/** The scenarios a contender joins in this run: its default (or full) set, plus those of the opt-in parts that are on. */
function scenariosOf(contender) {
  const ids = new Set(OPTIONS.full ? contender.scenarios : contender.core);
  for (const part of OPTIONS.optIn) for (const id of contender.optIn?.[part] ?? []) ids.add(id);
  return [...ids].filter((id) => OPTIONS.scenarios.includes(id));
}

function log(message) {
  const at = new Date().toISOString().slice(11, 19);
  console.log(`[bench ${at}] ${message}`);
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    stack: stack.name,
    nest: installedVersion('@nestjs/core'),
    express: installedVersion('express'),
    fastify: installedVersion('fastify'),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    redis: null,
    postgres: null,
  };
}

async function connectServices(info) {
  const services = { redis: null, pg: null, errors: {} };
  try {
    const { Redis } = stackRequire('ioredis');
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
    const { DataSource } = stackRequire('typeorm');
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
  if (contender.graphql) {
    const missing = GRAPHQL_PACKAGES[contender.graphql].filter((name) => !installedVersion(name));
    if (missing.length > 0) return `the stack bench/stacks/${stack.name} does not install ${missing.join(', ')} (the GraphQL part needs them)`;
  }
  if (contender.backend === 'redis' && !services.redis) return services.errors.redis;
  if (contender.backend === 'postgres' && !services.pg) return services.errors.postgres;
  return null;
}

/** Our processes, for telling our CPU time from other work's: runner, contender(s), Redis, the contenders' PostgreSQL backends. */
function pidsOf(server, services) {
  const group = [server].flat();
  return async () => {
    const pids = [process.pid, ...group.map((s) => s.child.pid)];
    if (services.redisPid) pids.push(services.redisPid);
    if (services.pg && group[0].contender.backend === 'postgres') {
      const rows = await services.pg.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [config.PG_APPLICATION]);
      pids.push(...rows.map((row) => row.pid));
    }
    return pids;
  };
}

/** Counters before or after a run: Redis' own commandstats and the server(s)' client-side counts, summed. */
async function snapshot(server, services) {
  const group = [server].flat();
  const [all, commands] = await Promise.all([Promise.all(group.map((s) => s.ask('stats'))), services.redis ? commandStats(services.redis) : null]);
  const stats = { redisCommands: 0, pgQueries: 0, cpuUs: 0, events: 0 };
  for (const one of all) for (const key of Object.keys(stats)) stats[key] += one[key] ?? 0;
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
    /** Session events the bench's listener received (the events contender only). */
    events: per(after.stats.events - before.stats.events),
  };
}

/** One measured run against a server, or against a group of servers sharing the load (multi-process). */
async function measure(server, scenario, services, warmup) {
  const group = [server].flat();
  const url = group.length > 1 ? group.map((s) => s.url) : group[0].url;
  const base = { url, connections: OPTIONS.connections, ...requestOf(scenario, group[0]) };
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
    events: pick('events'),
    foreignCores: Math.max(...rounds.map((r) => r.foreignCores ?? 0)),
    disturbed: rounds.some((r) => r.disturbed),
    non2xx: rounds.reduce((a, r) => a + r.non2xx, 0),
    errors: rounds.reduce((a, r) => a + r.errors + r.timeouts, 0),
  };
}

/** Starts contenders a few at a time (start-up is CPU-bound); each creates the sessions the scenarios send. */
async function startAll(contenders, { log, skipped, instances = 1 }) {
  const started = new Map();
  const queue = contenders.flatMap((contender) => Array.from({ length: instances }, (_, instance) => ({ contender, instance })));
  const startOne = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const { contender, instance } = job;
      // One core for one process; the processes of the multi-process part share both.
      const server = new Server(contender, { pinned: instances === 1 });
      try {
        await server.start();
        // Sessions are made on the first instance; the others share its store.
        if (instance === 0) await server.createSessions(OPTIONS.connections);
        if (instance === 0 && scenariosOf(contender).some((id) => SCENARIOS.find((s) => s.id === id)?.token)) await server.fetchTokens();
        const list = started.get(contender.id) ?? [];
        list[instance] = server;
        started.set(contender.id, list);
        log(`started ${contender.id}${instances > 1 ? ` #${instance + 1}` : ''} on port ${server.port}`);
      } catch (error) {
        await server.stop();
        skipped.push({ id: contender.id, label: contender.label, reason: `failed to start: ${error.message}` });
        log(`skipping ${contender.id}: ${error.message}`);
      }
    }
  };
  await Promise.all([startOne(), startOne(), startOne()]);
  return started;
}

function logRun(label, run) {
  log(
    `${label.padEnd(48)} ${run.rps.toFixed(0).padStart(6)} req/s  p50 ${run.p50?.toFixed(2) ?? '–'}  p99 ${run.p99?.toFixed(2) ?? '–'} ms  redis ${run.redisRoundTrips?.toFixed(2)}  sql ${run.sqlStatements?.toFixed(2)}  cpu ${run.cpuUsPerRequest?.toFixed(0)} us  other ${run.foreignCores?.toFixed(2)}${run.non2xx || run.errors ? `  NON-2XX ${run.non2xx} ERR ${run.errors}` : ''}`,
  );
}

/**
 * The multi-process part: for each store, the same app in 1 process and in 2 processes behind
 * the same load (autocannon hands the connections out to the two in turn), alternating rounds.
 */
async function runMulti({ services, guard, skipped, stopLater }) {
  const ids = MULTI.contenders.filter((id) => OPTIONS.multiPlatforms.includes(findContender(id).platform)).filter((id) => !OPTIONS.only || OPTIONS.only.test(id));
  const contenders = ids.map(findContender).filter((c) => {
    const reason = missingReason(c, services);
    if (reason) skipped.push({ id: `multi ${c.id}`, label: `multi-process ${c.label}`, reason });
    return !reason;
  });
  const out = { scenarios: MULTI.scenarios.filter((id) => OPTIONS.scenarios.includes(id)), results: {} };
  if (contenders.length === 0) return out;
  const started = await startAll(contenders, { log, skipped, instances: 2 });
  for (const list of started.values()) stopLater(...list.filter(Boolean));
  const groups = [];
  for (const c of contenders) {
    const list = started.get(c.id);
    if (!list || !list[0] || !list[1]) continue;
    groups.push({ key: `${c.id} x1`, contender: c, processes: 1, servers: [list[0]] });
    groups.push({ key: `${c.id} x2`, contender: c, processes: 2, servers: [list[0], list[1]] });
  }
  for (const scenarioId of out.scenarios) {
    const scenario = SCENARIOS.find((s) => s.id === scenarioId);
    const results = (out.results[scenarioId] = {});
    for (let round = 0; round < OPTIONS.rounds; round++) {
      const order = round % 2 === 0 ? groups : [...groups].reverse();
      for (const group of order) {
        const entry = (results[group.key] ||= {
          contender: group.contender.id,
          label: group.contender.label,
          backend: group.contender.backend,
          processes: group.processes,
          rounds: [],
        });
        try {
          const run = await guard.run(pidsOf(group.servers, services), `multi ${scenarioId} ${group.key}`, () =>
            measure(group.servers, scenario, services, round === 0 ? OPTIONS.firstWarmup : OPTIONS.warmup),
          );
          entry.rounds.push(run);
          logRun(`multi ${scenarioId} r${round + 1} ${group.key}`, run);
        } catch (error) {
          entry.error = error.message;
          log(`multi ${scenarioId} ${group.key}: ${error.message}`);
        }
      }
    }
    for (const entry of Object.values(results)) if (entry.rounds.length) entry.median = summarize(entry.rounds);
  }
  return out;
}

async function main() {
  const startedAt = new Date();
  const command = env.npm_lifecycle_event === 'bench' ? 'npm run bench' : 'node bench/run.js';
  const envUsed = Object.entries(env)
    .filter(([k]) => k.startsWith('BENCH_') && !['BENCH_STACK', 'BENCH_RESULTS_DIR', 'BENCH_LIBRARY_SOURCE'].includes(k))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  if (!fs.existsSync(path.join(librarySource, 'dist', 'index.js'))) {
    throw new Error(`nest-session is not installed in bench/stacks/${stack.name}: run \`npm run bench\` (it builds, packs and installs the library first).`);
  }
  // The load generator on its own core, away from the contender's (see config.PIN).
  pinProcess(process.pid, config.PIN?.runner);
  fs.mkdirSync(RESULTS, { recursive: true });
  const info = machine();
  info.library = { version: installedVersion('nest-session'), source: env.BENCH_LIBRARY_SOURCE || null };
  const services = await connectServices(info);
  log(`stack ${stack.name}: Node ${info.node}, @nestjs/core ${info.nest}; ${info.cpu}, ${info.cores} cores; Redis ${info.redis ?? 'down'}, PostgreSQL ${info.postgres ?? 'down'}`);

  const skipped = [];
  const wanted = (c) => scenariosOf(c).length > 0 || (OPTIONS.scale && c.kind === 'nest-session' && (c.store === 'redis' || c.store === 'typeorm') && !c.variant);
  const selected = CONTENDERS.filter((c) => (!OPTIONS.only || OPTIONS.only.test(c.id)) && wanted(c));
  const runnable = [];
  for (const contender of selected) {
    const reason = missingReason(contender, services);
    if (reason) skipped.push({ id: contender.id, label: contender.label, reason });
    else runnable.push(contender);
  }
  for (const s of skipped) log(`skipping ${s.id}: ${s.reason}`);
  const deepImports = Object.keys(STORE_EXPORTS)
    .flatMap((store) => STORE_EXPORTS[store])
    .filter((n, i, a) => a.indexOf(n) === i && findExport(n)?.deep);
  if (deepImports.length > 0) log(`BENCH_DEEP_IMPORT: loaded ${deepImports.join(', ')} from dist/ files (not exported by the package)`);

  if (services.redis) {
    const connected = /connected_clients:(\d+)/.exec(await services.redis.info('clients'))?.[1];
    log(`Redis: ${connected} clients connected before the run; DB ${config.REDIS.db}, keys ${config.KEY_PREFIX}*`);
    await deleteBenchKeys(services.redis);
  }
  const needsTable = runnable.some((c) => c.backend === 'postgres') || (OPTIONS.multi && MULTI.contenders.some((id) => findContender(id).backend === 'postgres'));
  if (services.pg && needsTable && findExport('CreateSessionTable1767225600000')) await createSessionTable(services.pg);

  // Budgets sized for the default run's time: a busy machine costs at most a few minutes more.
  const guard = new Guard({ log, retries: QUICK ? 0 : 2, retryBudget: QUICK ? 0 : 10, waitBudgetMs: QUICK ? 0 : 60_000 });
  const servers = [];
  const extra = [];
  const results = {};
  let scale = null;
  let multi = null;
  let memory = null;
  const cleanup = async () => {
    await Promise.all([...servers, ...extra].map((s) => s.stop()));
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
    const started = await startAll(runnable, { log, skipped });
    for (const contender of runnable) if (started.has(contender.id)) servers.push(started.get(contender.id)[0]);
    const versions = servers[0]?.versions;
    if (versions) Object.assign(info, { serverNode: versions.node, serverNest: versions.nest });

    const scenarios = SCENARIOS.filter((s) => OPTIONS.scenarios.includes(s.id));
    const runs = scenarios.reduce((n, s) => n + servers.filter((server) => scenariosOf(server.contender).includes(s.id)).length, 0) * OPTIONS.rounds;
    const estimate = runs * (OPTIONS.duration + OPTIONS.warmup + 0.8) + servers.length * OPTIONS.firstWarmup;
    log(
      `${servers.length} contenders, ${scenarios.length} scenarios, ${OPTIONS.rounds} rounds = ${runs} runs, about ${Math.round(estimate / 60)} min${OPTIONS.multi ? ' before the multi-process part' : ''}`,
    );
    const warmed = new Set();
    for (const scenario of scenarios) {
      const inScenario = servers.filter((server) => scenariosOf(server.contender).includes(scenario.id));
      if (inScenario.length === 0) continue;
      results[scenario.id] = {};
      for (let round = 0; round < OPTIONS.rounds; round++) {
        // Round-robin; every other round in reverse, so slow drift (heat, GC, table growth) evens out.
        const order = round % 2 === 0 ? inScenario : [...inScenario].reverse();
        for (const server of order) {
          const id = server.contender.id;
          const entry = (results[scenario.id][id] ||= { rounds: [] });
          try {
            const warmup = warmed.has(id) ? OPTIONS.warmup : OPTIONS.firstWarmup;
            warmed.add(id);
            const run = await guard.run(pidsOf(server, services), `${scenario.id} ${id}`, () => measure(server, scenario, services, warmup));
            entry.rounds.push(run);
            logRun(`${scenario.id} r${round + 1} ${id}`, run);
          } catch (error) {
            entry.error = error.message;
            log(`${scenario.id} ${id}: ${error.message}`);
          }
        }
      }
      for (const entry of Object.values(results[scenario.id])) if (entry.rounds.length) entry.median = summarize(entry.rounds);
    }

    if (OPTIONS.multi) {
      // Two app processes and the load generator share both cores here: nothing is pinned.
      pinProcess(process.pid, config.PIN ? `0-${os.availableParallelism() - 1}` : undefined);
      multi = await runMulti({ services, guard, skipped, stopLater: (...list) => extra.push(...list) });
      pinProcess(process.pid, config.PIN?.runner);
    }
    if (OPTIONS.scale) {
      scale = await runScale({
        servers,
        services,
        options: OPTIONS,
        log,
        guard: (server, label, fn) => guard.run(pidsOf(server, services), label, fn),
        pidsOf: (server) => pidsOf(server, services)(),
      });
    }
    if (OPTIONS.memory) {
      // Its own redis-server, so the contenders' servers can stay up; it takes seconds.
      memory = await runMemory({ log }).catch((error) => {
        log(`memory part: ${error.message}`);
        return { error: error.message };
      });
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
    scenarios: SCENARIOS.filter((s) => results[s.id]),
    contenders: servers.map((s) => s.contender),
    skipped,
    deepImports,
    disturbance: { retriesUsed: guard.retriesUsed, waitedSeconds: Math.round(guard.waitedMs / 1000), threshold: guard.threshold },
    results,
    multi,
    scale,
    memory,
  };
  writeReports(report, RESULTS);
  log(`done in ${report.minutes} min: ${path.relative(process.cwd(), RESULTS)}/results.{json,md}, chart.svg`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
