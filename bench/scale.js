'use strict';
/**
 * The scale part: read throughput with 1,000 and with 1,000,000 sessions in Redis and in
 * PostgreSQL, and the time to prune 1,000,000 expired rows in PostgreSQL with the store's
 * `prune()` while the same process serves read traffic.
 *
 * Sessions are seeded straight into the stores, in each store's own layout (the Redis store's
 * hash, the TypeORM store's row), and the runner signs their ids with the library's own id signer,
 * as if the browsers had received the cookies earlier. Each read request picks one of the seeded
 * sessions at random, so the reads spread over the whole store.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');
const config = require('./config');
const { librarySource } = require('./stack');
const { load, median, percentile, deleteBenchKeys, sleep } = require('./harness');
const { sample, foreignCores } = require('./cpu');
const { findPgbench, pgbenchReads, PGBENCH_CLIENTS } = require('./pg-floor');
const { SEED, sessionId, sqlSessionId } = require('./seeded-ids');

function signer() {
  // Internal module of the installed library: the bench forges the cookies a browser would hold.
  const { SessionIdSigner } = require(path.join(librarySource, 'dist', 'utils', 'crypto'));
  return new SessionIdSigner([config.SECRET]);
}

/** RESP encoding of one command, for redis-cli --pipe. */
function resp(args) {
  let out = `*${args.length}\r\n`;
  for (const arg of args) {
    const text = String(arg);
    out += `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
  }
  return out;
}

/** Seeds sessions [from, to) in the Redis store's layout: hash <prefix>{id}, data:n and the times (c, t), PEXPIRE. */
async function seedRedis(from, to, now) {
  const child = spawn('redis-cli', ['-h', config.REDIS.host, '-p', String(config.REDIS.port), '-n', String(config.REDIS.db), '--pipe'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('redis-cli --pipe took over 5 minutes'));
    }, 300_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const errors = Number(/errors: (\d+)/.exec(output)?.[1] ?? NaN);
      if (code !== 0 || errors !== 0) reject(new Error(`redis-cli --pipe failed (exit ${code}): ${output.trim()}`));
      else resolve(output.trim());
    });
  });
  const prefix = config.PREFIXES.nestSession;
  const write = (chunk) => (child.stdin.write(chunk) ? null : new Promise((resolve) => child.stdin.once('drain', resolve)));
  let chunk = '';
  for (let i = from; i < to; i++) {
    const key = `${prefix}{${sessionId(i)}}`;
    chunk += resp(['HSET', key, 'data:n', '1', 'c', now, 't', now]);
    chunk += resp(['PEXPIRE', key, config.LIFETIME]);
    if (chunk.length > 1 << 20) {
      const wait = write(chunk);
      chunk = '';
      if (wait) await wait;
    }
  }
  child.stdin.end(chunk);
  return done;
}

/** Seeds rows [from, to) in the TypeORM store's table: data '{"n":1}', times in epoch ms. */
async function seedPostgres(dataSource, from, to, { seed = SEED, createdAt, touchedAt, expiresAt }) {
  await dataSource.query(
    `INSERT INTO ${config.PG_TABLE} (id, data, created_at, touched_at, expires_at, user_id)
     SELECT ${sqlSessionId(seed, 'i')}, '{"n":1}', $1::bigint, $2::bigint, $3::bigint, NULL FROM generate_series($4::int, $5::int) AS i`,
    [createdAt, touchedAt, expiresAt, from, to - 1],
  );
}

async function sanityCheck(server, cookie) {
  const response = await fetch(`${server.url}/read`, { headers: { cookie }, signal: AbortSignal.timeout(5000) });
  const body = await response.text();
  if (response.status !== 200 || body !== '1') {
    throw new Error(`${server.contender.id} did not read a seeded session (status ${response.status}, body ${JSON.stringify(body)}): the seed layout no longer matches the store`);
  }
}

async function measureReads(server, pickCookie, options, warmup) {
  const base = { url: server.url, path: '/read', connections: options.connections, pickCookie };
  if (warmup > 0) await load({ ...base, duration: warmup });
  await sleep(150);
  const before = await server.ask('stats');
  const { summary } = await load({ ...base, duration: options.duration });
  await sleep(150);
  const after = await server.ask('stats');
  const per = (key) => (summary.sent ? (after[key] - before[key]) / summary.sent : null);
  return { ...summary, redisRoundTrips: per('redisCommands'), sqlStatements: per('pgQueries'), cpuUsPerRequest: per('cpuUs') };
}

async function runScale({ servers, services, options, log, guard, pidsOf }) {
  const out = { sizes: options.scaleSizes, reads: {}, seeding: {}, postgresFloor: null, prune: null, skipped: [] };
  // The plain contenders only (not asyncContext, CSRF, events or GraphQL variants).
  const redisServers = servers.filter((s) => s.contender.kind === 'nest-session' && s.contender.store === 'redis' && !s.contender.variant);
  const pgServers = servers.filter((s) => s.contender.kind === 'nest-session' && s.contender.store === 'typeorm' && !s.contender.variant);
  if (redisServers.length === 0) out.skipped.push('Redis: no nest-session Redis contender ran');
  if (pgServers.length === 0) out.skipped.push('PostgreSQL: no nest-session TypeORM contender ran');
  const targets = [...redisServers, ...pgServers];
  if (targets.length === 0) return out;

  const sign = signer();
  const cookies = [];
  const now = Date.now();
  // Start from empty stores: the main run left thousands of sessions behind (new visitors).
  if (redisServers.length) await deleteBenchKeys(services.redis);
  if (pgServers.length) await services.pg.query(`TRUNCATE ${config.PG_TABLE}`);
  // PostgreSQL alone, in the same rounds: how much more a read costs the database itself at the larger size (pg-floor.js).
  const pgbench = pgServers.length ? findPgbench() : null;
  if (pgServers.length && !pgbench) out.skipped.push("PostgreSQL's own floor: pgbench not found");
  if (pgbench) out.postgresFloor = { clients: PGBENCH_CLIENTS, sizes: {} };

  let seeded = 0;
  for (const size of options.scaleSizes) {
    log(`scale: seeding sessions ${seeded}..${size}`);
    if (redisServers.length) {
      const started = Date.now();
      await seedRedis(seeded, size, now);
      out.seeding[`redis-${size}`] = { seconds: (Date.now() - started) / 1000, usedMemory: /used_memory:(\d+)/.exec(await services.redis.info('memory'))?.[1] };
    }
    if (pgServers.length) {
      const started = Date.now();
      await seedPostgres(services.pg, seeded, size, { createdAt: now, touchedAt: now, expiresAt: now + config.LIFETIME });
      await services.pg.query(`VACUUM ANALYZE ${config.PG_TABLE}`);
      const [{ bytes }] = await services.pg.query(`SELECT pg_total_relation_size('${config.PG_TABLE}') AS bytes`);
      out.seeding[`postgres-${size}`] = { seconds: (Date.now() - started) / 1000, tableBytes: Number(bytes) };
    }
    for (let i = seeded; i < size; i++) cookies.push(`session=${sign.sign(sessionId(i))}`);
    seeded = size;
    for (const server of targets) await sanityCheck(server, cookies[size - 1]);

    const count = size;
    const pickCookie = () => cookies[(Math.random() * count) | 0];
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const server of order) {
        const key = `${server.contender.id}@${size}`;
        const entry = (out.reads[key] ||= { contender: server.contender.id, size, rounds: [] });
        const run = await guard(server, `scale read ${size} ${server.contender.id}`, () => measureReads(server, pickCookie, options, options.warmup));
        entry.rounds.push(run);
        log(
          `scale read ${String(size).padStart(8)} ${server.contender.id.padEnd(28)} ${run.rps.toFixed(0).padStart(6)} req/s  p50 ${run.p50?.toFixed(2)} ms  p99 ${run.p99?.toFixed(2)} ms  redis ${run.redisRoundTrips?.toFixed(2)}  sql ${run.sqlStatements?.toFixed(2)}`,
        );
      }
      if (pgbench) {
        const tps = await pgbenchReads(pgbench, size, options.duration, SEED);
        (out.postgresFloor.sizes[size] ||= { rounds: [] }).rounds.push(tps);
        log(`scale read ${String(size).padStart(8)} ${'PostgreSQL alone (pgbench)'.padEnd(28)} ${tps.toFixed(0).padStart(6)} tx/s`);
      }
    }
    for (const entry of Object.values(out.reads)) {
      if (entry.size !== size) continue;
      entry.median = {};
      for (const k of ['rps', 'p50', 'p99', 'redisRoundTrips', 'sqlStatements', 'cpuUsPerRequest']) entry.median[k] = median(entry.rounds.map((r) => r[k]));
      entry.median.foreignCores = Math.max(...entry.rounds.map((r) => r.foreignCores ?? 0));
    }
    const floor = out.postgresFloor?.sizes[size];
    if (floor) floor.median = median(floor.rounds);
  }

  if (pgServers.length) out.prune = await runPrune({ server: pgServers[0], services, options, cookies, log, out, pidsOf });
  return out;
}

/**
 * Adds as many expired rows as the largest size, then serves random reads of the live sessions
 * while the server runs the store's prune(); the load stops a second after the prune returns
 * (bounded at 15 minutes). Latencies of the requests that completed while the prune ran are
 * compared with the same server's reads at the same size without a prune.
 */
async function runPrune({ server, services, options, cookies, log, out, pidsOf }) {
  const expired = options.scaleSizes[options.scaleSizes.length - 1];
  const now = Date.now();
  log(`scale: adding ${expired} expired rows for the prune`);
  const started = Date.now();
  await seedPostgres(services.pg, 0, expired, { seed: 'nsbench-expired', createdAt: now - 40 * 86400000, touchedAt: now - 32 * 86400000, expiresAt: now - 86400000 });
  await services.pg.query(`VACUUM ANALYZE ${config.PG_TABLE}`);
  const seedSeconds = (Date.now() - started) / 1000;
  const [{ live, dead }] = await services.pg.query(
    `SELECT count(*) FILTER (WHERE expires_at > $1)::int AS live, count(*) FILTER (WHERE expires_at <= $1)::int AS dead FROM ${config.PG_TABLE}`,
    [Date.now()],
  );
  log(`scale: table holds ${live} live and ${dead} expired rows; pruning under read load`);

  const count = cookies.length;
  const pickCookie = () => cookies[(Math.random() * count) | 0];
  await load({ url: server.url, path: '/read', connections: options.connections, pickCookie, duration: options.warmup });
  let pruneWindow = null;
  let pruneResult = null;
  let pruneError = null;
  const before = await server.ask('stats');
  const cpuBefore = sample(await pidsOf(server));
  const run = await load({
    url: server.url,
    path: '/read',
    connections: options.connections,
    pickCookie,
    maxDuration: 900,
    onStart: (instance) => {
      const t0 = performance.now();
      (async () => {
        await sleep(2000);
        const from = performance.now() - t0;
        try {
          pruneResult = await server.ask('prune', 900_000);
        } catch (error) {
          pruneError = error.message;
        }
        pruneWindow = { from, to: performance.now() - t0 };
        await sleep(1000);
        instance.stop();
      })();
    },
  });
  const after = await server.ask('stats');
  const load_ = foreignCores(cpuBefore, sample(await pidsOf(server)));
  if (pruneError) throw new Error(`prune failed: ${pruneError}`);
  const inWindow = [];
  for (let i = 0; i < run.times.length; i++) if (run.times[i] >= pruneWindow.from && run.times[i] <= pruneWindow.to) inWindow.push(run.latencies[i]);
  const sorted = Float64Array.from(inWindow).sort();
  const baseline = out.reads[`${server.contender.id}@${count}`]?.median ?? null;
  const [{ left }] = await services.pg.query(`SELECT count(*)::int AS left FROM ${config.PG_TABLE} WHERE expires_at <= $1`, [Date.now()]);
  const result = {
    contender: server.contender.id,
    expiredRows: dead,
    liveRows: live,
    seedSeconds,
    deleted: pruneResult.deleted,
    expiredLeft: left,
    pruneSeconds: pruneResult.ms / 1000,
    readsDuringPrune: inWindow.length,
    rpsDuringPrune: inWindow.length / ((pruneWindow.to - pruneWindow.from) / 1000),
    p50DuringPrune: percentile(sorted, 50),
    p99DuringPrune: percentile(sorted, 99),
    baseline,
    p99Added: baseline ? percentile(sorted, 99) - baseline.p99 : null,
    sqlStatementsDuringRun: after.pgQueries - before.pgQueries,
    foreignCores: load_ ? load_.foreign : null,
    errors: run.summary.errors + run.summary.timeouts,
    non2xx: run.summary.non2xx,
  };
  log(
    `scale: prune deleted ${result.deleted} rows in ${result.pruneSeconds.toFixed(1)} s; reads meanwhile ${result.rpsDuringPrune.toFixed(0)} req/s, p99 ${result.p99DuringPrune?.toFixed(2)} ms (baseline ${baseline?.p99?.toFixed(2)} ms)`,
  );
  return result;
}

module.exports = { runScale };
