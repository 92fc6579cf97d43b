'use strict';
/**
 * Writes results.json, results.md (Markdown tables and the checks of the targets) and chart.svg
 * (hand-written SVG bars) from one run's report. `node bench/report.js` rewrites the Markdown and
 * the chart from an existing results.json.
 */
const fs = require('node:fs');
const path = require('node:path');

const fmt = (value, digits = 0) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : Number(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (ratio) => (ratio === null || ratio === undefined || !Number.isFinite(ratio) ? '–' : `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`);
const escapeXml = (text) => String(text).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

function med(report, scenario, id) {
  return report.results[scenario]?.[id]?.median ?? null;
}

function label(report, id) {
  return report.contenders.find((c) => c.id === id)?.label ?? id;
}

/**
 * The limit a contender is measured against, in the required shape (a global interceptor): the
 * no-op interceptor route for routes that do not use the session (and for stores other than
 * Redis), the interceptor plus hand-written Redis calls for Redis contenders.
 */
function limitOf(contender, scenarioId) {
  const platform = contender.platform;
  if (contender.graphql) return `limit/graphql-${contender.graphql}/${platform}`;
  return contender.backend === 'redis' && scenarioId !== 'none' && scenarioId !== 'dupcookie' ? `limit/interceptor-redis/${platform}` : `limit/interceptor/${platform}`;
}

/** The contenders that ran a scenario, in the contenders' order. */
function ranIn(report, scenarioId) {
  return report.contenders.filter((c) => report.results[scenarioId]?.[c.id]);
}

/** `NestJS 12.5.1 on Node 24.22.3 (stack nest12)`: what produced a table. */
function stackLine(report) {
  const m = report.machine;
  return `NestJS ${m.serverNest ?? m.nest ?? '?'} on Node ${(m.serverNode ?? m.node ?? '?').replace(/^v/, '')}${m.stack ? ` (stack \`bench/stacks/${m.stack}\`)` : ''}`;
}

function machineLines(report) {
  const m = report.machine;
  return [
    `- **${stackLine(report)}**, Express ${m.express ?? '?'}, Fastify ${m.fastify ?? '?'}; nest-session ${m.library?.version ?? '?'} packed from ${m.library?.source ? `commit ${m.library.source}` : 'this checkout'} and installed into the stack (one copy of Nest per process).`,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}; runner on Node ${m.node}; Redis ${m.redis ?? 'not reachable'}; PostgreSQL ${m.postgres ?? 'not reachable'} (all on the same machine, over loopback).`,
    `- Command: \`${report.command}\` (${report.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${report.minutes} min).`,
    `- Shared machine: before each run the runner waits for other work to calm down, measures the CPU that other processes used during the run, and repeats a run during which they used over ${report.disturbance?.threshold ?? 0.25} cores (the least disturbed attempt is kept; ${report.disturbance?.retriesUsed ?? 0} runs were repeated, ${report.disturbance?.waitedSeconds ?? 0} s spent waiting). † marks a result that stayed disturbed.`,
    `- Load: autocannon in the runner process, ${report.options.connections} connections, ${report.options.duration} s per run after a ${report.options.warmup} s warm-up, ${report.options.rounds} round(s) alternating the contenders (every other round in reverse order); the median of the rounds is shown. Latencies are per request, from autocannon's response events. Every Redis client (the store's own, connect-redis's, the hand-written routes') has ioredis autopipelining ${report.options.autopipelining === false ? 'off' : 'on'}.`,
  ];
}

/** ` (evalsha 1 · hset 2)`: calls per request by command, the ones under 0.05 left out. */
function byCommand(commands) {
  const parts = Object.entries(commands || {})
    .filter(([, v]) => v >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, v]) => `${name} ${fmt(v, v % 1 < 0.05 || v % 1 > 0.95 ? 0 : 2)}`);
  return parts.length ? ` (${parts.join(' · ')})` : '';
}

function scenarioTable(report, scenario) {
  const lines = [
    `### ${scenario.label}`,
    '',
    '| contender | req/s | p50 ms | p99 ms | vs its limit | Redis round trips/req | Redis commands run/req (by command) | SQL statements/req | server CPU µs/req |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const contender of ranIn(report, scenario.id)) {
    const m = med(report, scenario.id, contender.id);
    const error = report.results[scenario.id]?.[contender.id]?.error;
    if (!m) {
      lines.push(`| ${contender.label} | ${error ? `failed: ${error}` : '–'} | | | | | | | |`);
      continue;
    }
    const limit = contender.family === 'limit' ? null : med(report, scenario.id, limitOf(contender, scenario.id));
    const flags = (m.non2xx || m.errors ? ` ⚠ ${m.non2xx} non-2xx, ${m.errors} errors` : '') + (m.disturbed ? ' †' : '');
    const name = contender.family === 'nest-session' ? `**${contender.label}**` : contender.label;
    const redis = contender.backend === 'redis' || contender.kind === 'nest-session';
    lines.push(
      `| ${name}${flags} | ${fmt(m.rps)} | ${fmt(m.p50, 2)} | ${fmt(m.p99, 2)} | ${limit ? pct(m.rps / limit.rps) : ''} | ${redis ? fmt(m.redisRoundTrips, 2) : ''} | ${contender.backend === 'redis' ? `${fmt(m.redisCommands, 2)}${byCommand(m.redisByCommand)}` : ''} | ${contender.backend === 'postgres' ? fmt(m.sqlStatements, 2) : ''} | ${fmt(m.cpuUsPerRequest)} |`,
    );
  }
  return lines;
}

/** The summary: the default scenarios (a-e) only; the opt-in parts have sections of their own. */
function summaryTable(report) {
  const scenarios = report.scenarios.filter((s) => !s.part);
  const lines = [`| contender | ${scenarios.map((s) => `${s.short}: req/s · CPU µs/req`).join(' | ')} |`, `|---|${scenarios.map(() => '---:').join('|')}|`];
  for (const contender of report.contenders) {
    if (!scenarios.some((s) => med(report, s.id, contender.id))) continue;
    const cells = scenarios.map((s) => {
      const m = med(report, s.id, contender.id);
      return m ? `${fmt(m.rps)} · ${fmt(m.cpuUsPerRequest)}${m.disturbed ? ' †' : ''}` : '';
    });
    const name = contender.family === 'nest-session' ? `**${contender.label}**` : contender.label;
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  return lines;
}

/**
 * The README's short table: nest-session beside the peer users compare it with, per platform and
 * store (Redis, and PostgreSQL where the SQL pair ran), read · write · new visitor as req/s · CPU
 * µs/req, and how many of the run's target checks were met.
 */
function shortSummary(report) {
  const pairs = [
    ['nest-session/redis/express', 'express-session/redis/express'],
    ['nest-session/redis/fastify', 'fastify-session/redis/fastify'],
    ['nest-session/redis-plain/express', 'express-session/redis-plain/express'],
    ['nest-session/redis-plain/fastify', 'fastify-session/redis-plain/fastify'],
    ['nest-session/typeorm/express', 'express-session/pg/express'],
  ];
  const scenarios = ['read', 'write', 'new'].map((id) => report.scenarios.find((s) => s.id === id)).filter(Boolean);
  const cell = (scenario, id) => {
    const m = med(report, scenario.id, id);
    return m ? `${fmt(m.rps)} · ${fmt(m.cpuUsPerRequest)}` : '–';
  };
  const lines = [`| | ${scenarios.map((s) => `${s.short}: req/s · CPU µs/req`).join(' | ')} |`, `|---|${scenarios.map(() => '---:').join('|')}|`];
  for (const [ours, peer] of pairs) {
    if (!scenarios.some((s) => med(report, s.id, ours))) continue;
    lines.push(`| **${label(report, ours)}** | ${scenarios.map((s) => cell(s, ours)).join(' | ')} |`);
    lines.push(`| ${label(report, peer)} | ${scenarios.map((s) => cell(s, peer)).join(' | ')} |`);
  }
  const checks = targetChecks(report);
  lines.push('', `Target checks met in this run: ${checks.filter((c) => c.ok).length} of ${checks.length}.`);
  return lines;
}

/** `+4.1%` / `-12.0%` of a ratio, and whether it clears a bar. */
function verdict(ok, missedBy) {
  return ok ? 'met' : `**missed**${missedBy ? ` (${missedBy})` : ''}`;
}

const PEERS = { express: 'express-session/redis/express', fastify: 'fastify-session/redis/fastify' };

/**
 * The targets of the request-path issue, checked from the numbers: one entry per check, with the
 * contender, the reference it is held against, the scenario, the figures and the verdict.
 */
function targetChecks(report) {
  const checks = [];
  // The plain Redis contenders (not the asyncContext, CSRF, events or GraphQL variants).
  const redisOurs = report.contenders.filter((c) => c.family === 'nest-session' && c.backend === 'redis' && !c.variant);
  for (const c of ranIn(report, 'none').filter((c) => c.family === 'nest-session')) {
    const m = med(report, 'none', c.id);
    const reference = `limit/interceptor/${c.platform}`;
    const ref = med(report, 'none', reference);
    if (!m || !ref) continue;
    const calls = c.backend === 'redis' ? m.redisRoundTrips : c.backend === 'postgres' ? m.sqlStatements : 0;
    const ratio = m.rps / ref.rps;
    const ok = calls === 0 && ratio >= 0.95;
    checks.push({
      target: 1,
      contender: c.id,
      reference,
      scenario: 'none',
      m,
      ref,
      ratio,
      calls,
      ok,
      missedBy: ratio < 0.95 ? `${fmt((0.95 - ratio) * 100, 1)} points under 0.95×` : calls !== 0 ? 'store calls' : '',
    });
  }
  for (const c of redisOurs) {
    const m = med(report, 'read', c.id);
    const reference = `limit/interceptor-redis/${c.platform}`;
    const ref = med(report, 'read', reference);
    if (!m || !ref) continue;
    const ratio = m.rps / ref.rps;
    const oneTrip = m.redisRoundTrips !== null && Math.abs(m.redisRoundTrips - 1) < 0.02;
    checks.push({
      target: 2,
      contender: c.id,
      reference,
      scenario: 'read',
      m,
      ref,
      ratio,
      ok: oneTrip && ratio >= 0.9,
      missedBy: ratio < 0.9 ? `${fmt((0.9 - ratio) * 100, 1)} points under 0.90×` : !oneTrip ? 'round trips' : '',
    });
  }
  for (const c of redisOurs) {
    // Plain clients against plain clients: the peer's same client setup.
    const reference = c.client === 'plain' ? PEERS[c.platform].replace('/redis/', '/redis-plain/') : PEERS[c.platform];
    for (const scenario of ['read', 'write', 'new']) aheadOf(report, checks, 3, c.id, reference, scenario);
  }
  // The SQL pair: the TypeORM store on PostgreSQL against express-session + connect-pg-simple.
  for (const scenario of ['read', 'write']) aheadOf(report, checks, 4, 'nest-session/typeorm/express', 'express-session/pg/express', scenario);
  return checks;
}

/** Adds the check "ahead of `reference` in req/s and in CPU per request" when both ran the scenario. */
function aheadOf(report, checks, target, contender, reference, scenario) {
  const m = med(report, scenario, contender);
  const ref = med(report, scenario, reference);
  if (!m || !ref) return;
  const ratio = m.rps / ref.rps;
  const cpu = m.cpuUsPerRequest / ref.cpuUsPerRequest;
  const misses = [];
  if (ratio < 1) misses.push(`req/s ${pct(ratio)}`);
  if (cpu > 1) misses.push(`CPU ${pct(cpu)}`);
  checks.push({ target, contender, reference, scenario, m, ref, ratio, cpu, ok: misses.length === 0, missedBy: misses.join(', ') });
}

const TARGET_TITLES = {
  1: '**Route without session use: ≥ 0.95× the no-op-global-interceptor route, 0 store calls** (scenario a):',
  2: '**Redis read: 1 round trip and ≥ 0.90× the interceptor + hand-written Redis GET route** (scenario b):',
  3: '**Read, write one key, new visitor: ahead of express-session + connect-redis (Express) and @fastify/session + connect-redis (Fastify), in req/s and in server CPU per request** (scenarios b-d):',
  4: '**TypeORM/PostgreSQL read and write: ahead of express-session + connect-pg-simple (Express), in req/s and in server CPU per request** (scenarios b, c; SQL statements per request beside them):',
};

/** The checks as Markdown lines: met or missed, by how much, req/s and server CPU per request side by side. */
function targets(report) {
  const lines = [];
  const checks = targetChecks(report);
  for (const target of [1, 2, 3, 4]) {
    if (target === 4 && !checks.some((x) => x.target === 4)) continue;
    lines.push(`${target}. ${TARGET_TITLES[target]}`);
    for (const k of checks.filter((x) => x.target === target)) {
      const { m, ref } = k;
      const cpuPart = `CPU ${fmt(m.cpuUsPerRequest)} vs ${fmt(ref.cpuUsPerRequest)} µs/req (${pct(m.cpuUsPerRequest / ref.cpuUsPerRequest)})`;
      const label_ = label(report, k.contender);
      if (target === 1)
        lines.push(
          `   - ${label_}: ${fmt(k.calls, 2)} store calls/req; ${fmt(m.rps)} vs ${fmt(ref.rps)} req/s = **${fmt(k.ratio, 2)}×**; ${cpuPart} — ${verdict(k.ok, k.missedBy)}`,
        );
      if (target === 2)
        lines.push(
          `   - ${label_}: ${fmt(m.redisRoundTrips, 2)} round trips/req; ${fmt(m.rps)} vs ${fmt(ref.rps)} req/s = **${fmt(k.ratio, 2)}×**; ${cpuPart} — ${verdict(k.ok, k.missedBy)}`,
        );
      if (target === 3) {
        const scenario = report.scenarios.find((s) => s.id === k.scenario);
        lines.push(
          `   - ${label_}, ${scenario.short}: ${fmt(m.rps)} vs ${fmt(ref.rps)} req/s (${pct(k.ratio)}); ${cpuPart}; Redis round trips ${fmt(m.redisRoundTrips, 2)} vs ${fmt(ref.redisRoundTrips, 2)} — ${verdict(k.ok, k.missedBy)}`,
        );
      }
      if (target === 4) {
        const scenario = report.scenarios.find((s) => s.id === k.scenario);
        lines.push(
          `   - ${label_}, ${scenario.short}: ${fmt(m.rps)} vs ${fmt(ref.rps)} req/s (${pct(k.ratio)}); ${cpuPart}; SQL statements ${fmt(m.sqlStatements, 2)} vs ${fmt(ref.sqlStatements, 2)} — ${verdict(k.ok, k.missedBy)}`,
        );
      }
    }
  }
  return lines;
}

/**
 * The memory part (bench/memory.js): Redis bytes per stored session on a private server, each
 * contender beside express-session + connect-redis for the same data, and its targets.
 */
function memoryLines(report) {
  const memory = report.memory;
  if (!memory) return ['Not run (BENCH_MEMORY=0).'];
  if (memory.error) return [`Not measured: ${memory.error}`];
  const { results } = memory;
  const reference = results['connect-redis'];
  const lines = [
    `Redis ${memory.redis}, a private server (no persistence${memory.redisArgs ? `; started with \`${memory.redisArgs}\`` : ''}), ${fmt(memory.sessions)} sessions per contender, each holding a distinct user id, a 2-item cart and a 32-character token; per contender a warm-up pass, FLUSHDB, then \`used_memory\` before and after creating the sessions. Each library's default key prefix.`,
    '',
    '| contender | bytes/session | vs connect-redis | keys/session | keys by type (encoding) | one key (`MEMORY USAGE`) | keys without TTL |',
    '|---|---:|---:|---:|---|---|---:|',
  ];
  for (const r of Object.values(results)) {
    if (r.error) {
      lines.push(`| ${r.label} | failed: ${r.error} | | | | | |`);
      continue;
    }
    const ratio = reference?.bytesPerSession ? `${fmt(r.bytesPerSession / reference.bytesPerSession, 2)}×` : '–';
    const types = Object.entries(r.types)
      .map(([type, n]) => `${fmt(n)} ${type}`)
      .join(', ');
    const oneKey = Object.entries(r.oneKey ?? {})
      .map(([type, bytes]) => `${type.split(' ')[0]} ${fmt(bytes)} B`)
      .join(', ');
    lines.push(`| ${r.label} | ${fmt(r.bytesPerSession)} | ${ratio} | ${fmt(r.keysPerSession, 2)} | ${types} | ${oneKey} | ${fmt(r.keysWithoutTtl)} |`);
  }
  lines.push(
    '',
    '"one key": `MEMORY USAGE` of one key of each kind (dictionary entry, name, object and value). Besides it each key costs a 24-byte expiry entry and its share of the key and expiry tables (8 bytes a slot each, sized to the next power of two: 20,000 keys take 32,768 slots, 40,000 take 65,536).',
    '',
    'Targets:',
  );
  const check = (id, limit, title) => {
    const r = results[id];
    if (!r || r.error || !reference?.bytesPerSession) return lines.push(`- ${title}: not measured`);
    const ratio = r.bytesPerSession / reference.bytesPerSession;
    const ok = ratio <= limit + 1e-9;
    lines.push(
      `- ${title}: ${fmt(r.bytesPerSession)} vs ${fmt(reference.bytesPerSession)} B/session = **${fmt(ratio, 2)}×** — ${verdict(ok, ok ? '' : `${fmt((ratio - limit) * 100, 1)} points over ${fmt(limit, 2)}×, ${fmt(r.bytesPerSession - limit * reference.bytesPerSession)} B/session too many`)}`,
    );
  };
  check('nest-session', 1, 'without a user index, at most 1.00× connect-redis');
  check('nest-session-userKey', 1.4, 'with `userKey`, one session per user, at most 1.40× connect-redis');
  const ours = Object.values(results).filter((r) => r.id.startsWith('nest-session') && !r.error);
  const untimed = ours.reduce((n, r) => n + r.keysWithoutTtl, 0);
  lines.push(
    `- no key without a TTL (nest-session, every case): ${fmt(untimed)} of ${fmt(ours.reduce((n, r) => n + r.keys, 0))} keys — ${verdict(untimed === 0 && ours.length > 0, untimed ? `${fmt(untimed)} keys` : 'not measured')}`,
  );
  return lines;
}

/** The duplicate-cookie case (issue: every duplicate session cookie was verified). */
function duplicateSection(report) {
  const ran = ranIn(report, 'dupcookie');
  if (ran.length === 0) return ['Not run.'];
  const lines = [
    'Each request carries one `Cookie` header with 1,053 copies of `session=a.b.c` (about 15.8 KB, just under Node\'s default 16 KiB header limit) and reads the session. The no-op-interceptor route receives the same header: its CPU is what parsing the request costs the platform. "normal read" is the same contender\'s scenario (b), where it was run.',
    '',
    '| contender | req/s | p99 ms | server CPU µs/req | over the interceptor route with the same header | normal read: CPU µs/req |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const c of ran) {
    const m = med(report, 'dupcookie', c.id);
    if (!m) continue;
    const ref = c.family === 'limit' ? null : med(report, 'dupcookie', `limit/interceptor/${c.platform}`);
    const read = med(report, 'read', c.id);
    lines.push(
      `| ${c.family === 'nest-session' ? `**${c.label}**` : c.label}${m.disturbed ? ' †' : ''} | ${fmt(m.rps)} | ${fmt(m.p99, 1)} | ${fmt(m.cpuUsPerRequest)} | ${ref ? `${m.cpuUsPerRequest >= ref.cpuUsPerRequest ? '+' : '−'}${fmt(Math.abs(m.cpuUsPerRequest - ref.cpuUsPerRequest))} µs` : ''} | ${read ? fmt(read.cpuUsPerRequest) : ''} |`,
    );
  }
  return lines;
}

/** `1,234 · 56 (51–60)`: req/s · CPU µs/req of a median, with the CPU of the fastest and slowest rounds. */
function rpsCpu(report, scenarioId, id) {
  const entry = report.results[scenarioId]?.[id];
  const m = entry?.median;
  if (!m) return entry?.error ? `failed: ${entry.error}` : '–';
  const cpu = entry.rounds.map((r) => r.cpuUsPerRequest).filter((v) => v !== null && v !== undefined);
  const range = cpu.length > 1 ? ` (${fmt(Math.min(...cpu))}–${fmt(Math.max(...cpu))})` : '';
  return `${fmt(m.rps)} · ${fmt(m.cpuUsPerRequest)}${range}${m.disturbed ? ' †' : ''}${m.non2xx || m.errors ? ` ⚠ ${m.non2xx} non-2xx, ${m.errors} errors` : ''}`;
}

/** `+12 µs, −8.1% req/s`: what a contender costs over another on one scenario. */
function costOver(report, scenarioId, id, baseId) {
  const m = med(report, scenarioId, id);
  const base = med(report, scenarioId, baseId);
  if (!m || !base) return '–';
  const cpu = m.cpuUsPerRequest - base.cpuUsPerRequest;
  return `**${cpu >= 0 ? '+' : '−'}${fmt(Math.abs(cpu))} µs**, ${pct(m.rps / base.rps)} req/s`;
}

/** Why an opt-in part's contenders did not run here (from the skipped list), as lines. */
function skippedIn(report, test) {
  return (report.skipped || []).filter((s) => test(s.id)).map((s) => `- ${s.label}: ${s.reason}`);
}

/** The GraphQL part: the session read and written in resolvers, against the same GraphQL app with no session. */
function graphqlSection(report) {
  const ran = report.contenders.filter((c) => c.graphql && (report.results['gql-read']?.[c.id] || report.results['gql-write']?.[c.id]));
  const skipped = skippedIn(report, (id) => /graphql|apollo|mercurius/.test(id));
  if (ran.length === 0) return skipped.length ? ['Not run on this stack:', '', ...skipped] : ['Not run (off by default; BENCH_GRAPHQL=1 runs it).'];
  const lines = [
    'One `POST /graphql` per request with the session cookie: `{ read }` (a query returning the session key `n`) and `mutation { write }` (sets `n`). "over no session": server CPU per request and req/s against the same GraphQL app without any session (`limit: GraphQL …, no session`), same driver and platform. req/s · server CPU µs/req, median (and the fastest–slowest round\'s CPU).',
    '',
    '| contender | read query: req/s · CPU µs/req | over no session | write mutation: req/s · CPU µs/req | over no session | Redis round trips/req, read · write |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const c of ran) {
    const floor = `limit/graphql-${c.graphql}/${c.platform}`;
    const trips = ['gql-read', 'gql-write'].map((s) => fmt(med(report, s, c.id)?.redisRoundTrips, 2)).join(' · ');
    const name = c.family === 'nest-session' ? `**${c.label}**` : c.label;
    const over = (s) => (c.id === floor ? '' : costOver(report, s, c.id, floor));
    lines.push(
      `| ${name} | ${rpsCpu(report, 'gql-read', c.id)} | ${over('gql-read')} | ${rpsCpu(report, 'gql-write', c.id)} | ${over('gql-write')} | ${c.backend === 'redis' ? trips : ''} |`,
    );
  }
  if (skipped.length) lines.push('', 'Left out:', ...skipped);
  return lines;
}

/** The security part: the CSRF check (csrf: true against off) and a SessionEvents listener (one against none). */
function securitySection(report) {
  const platforms = ['express', 'fastify'];
  const lines = [];
  const csrfRan = platforms.filter((p) => med(report, 'csrf-post', `nest-session/redis-csrf/${p}`) || med(report, 'csrf-post', `nest-session/redis/${p}`));
  if (csrfRan.length === 0) lines.push('CSRF: not run (off by default; BENCH_SECURITY=1 runs it).');
  else {
    lines.push(
      "**CSRF check.** `POST /write` with the session cookie and a valid token in `X-CSRF-Token` (fetched from `GET /token` for each session before the run); the route writes one key. The same app with `csrf: true` (the global check: the guard opens the session, checks the token with HMAC-SHA256, the interceptor saves that same session) and without the `csrf` option (the header is sent and ignored). Redis store. req/s · server CPU µs/req, median (and the fastest–slowest round's CPU).",
      '',
      '| platform | csrf off | `csrf: true` | the check costs | Redis round trips/req, off → on |',
      '|---|---:|---:|---:|---:|',
    );
    for (const p of csrfRan) {
      const off = `nest-session/redis/${p}`;
      const onId = `nest-session/redis-csrf/${p}`;
      lines.push(
        `| ${p === 'express' ? 'Express' : 'Fastify'} | ${rpsCpu(report, 'csrf-post', off)} | ${rpsCpu(report, 'csrf-post', onId)} | ${costOver(report, 'csrf-post', onId, off)} | ${fmt(med(report, 'csrf-post', off)?.redisRoundTrips, 2)} → ${fmt(med(report, 'csrf-post', onId)?.redisRoundTrips, 2)} |`,
      );
    }
  }
  lines.push('');
  const eventScenarios = ['write', 'new', 'login'].filter((s) => platforms.some((p) => med(report, s, `nest-session/redis-events/${p}`)));
  if (eventScenarios.length === 0) lines.push('Events: not run (off by default; BENCH_SECURITY=1 runs it).');
  else {
    lines.push(
      '**Session events.** The same app with no listener and with one (`SessionEvents.on()` of a function that counts, on `session.created` and `session.regenerated`). (c) write one key fires no event; (d) new visitor fires `session.created` on every request; (i) login fires `session.regenerated` on every request (after the first request of each connection the cookie names a session its `regenerate()` ended, so each login reads a missing session, regenerates and saves a new one). "events/req": what the listener received.',
      '',
      '| platform | scenario | no listener | one listener | the listener costs | events/req |',
      '|---|---|---:|---:|---:|---:|',
    );
    for (const p of platforms) {
      for (const s of eventScenarios) {
        const none = `nest-session/redis/${p}`;
        const one = `nest-session/redis-events/${p}`;
        if (!med(report, s, one)) continue;
        const scenario = report.scenarios.find((x) => x.id === s);
        lines.push(
          `| ${p === 'express' ? 'Express' : 'Fastify'} | ${scenario?.short ?? s} | ${rpsCpu(report, s, none)} | ${rpsCpu(report, s, one)} | ${costOver(report, s, one, none)} | ${fmt(med(report, s, one)?.events, 2)} |`,
        );
      }
    }
  }
  return lines;
}

/** The multi-process part: 2 processes of one app behind the same load against 1. */
function multiSection(report) {
  const multi = report.multi;
  if (!multi) return ['Not run (BENCH_MULTI=0).'];
  const lines = [
    `The same app in 1 and in 2 processes (each its own port; autocannon hands its ${report.options.connections} connections out to the processes in turn), alternating rounds, medians. CPU µs/req adds up both processes. **On this ${report.machine.cores}-core machine the load generator, Redis or PostgreSQL and the app processes share the same cores**, so a second process can only use what the others leave: the ratio says how much headroom one process left, not how the store scales on separate machines.`,
    '',
    '| contender | scenario | 1 process: req/s (p99 ms) | 2 processes: req/s (p99 ms) | 2 vs 1 | CPU µs/req 1 → 2 | store calls/req 1 → 2 |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const scenarioId of multi.scenarios) {
    const results = multi.results[scenarioId] || {};
    const ids = [...new Set(Object.values(results).map((e) => e.contender))];
    for (const id of ids) {
      const one = results[`${id} x1`]?.median;
      const two = results[`${id} x2`]?.median;
      if (!one || !two) continue;
      const first = results[`${id} x1`];
      const c = report.contenders.find((x) => x.id === id) ?? { label: first.label ?? id, backend: first.backend ?? (id.includes('typeorm') ? 'postgres' : 'redis') };
      const calls = (m) => fmt(c.backend === 'postgres' ? m.sqlStatements : m.redisRoundTrips, 2);
      const scenario = report.scenarios.find((s) => s.id === scenarioId)?.short ?? scenarioId;
      lines.push(
        `| ${c.label}${one.disturbed || two.disturbed ? ' †' : ''} | ${scenario} | ${fmt(one.rps)} (${fmt(one.p99, 1)}) | ${fmt(two.rps)} (${fmt(two.p99, 1)}) | **${fmt(two.rps / one.rps, 2)}×** | ${fmt(one.cpuUsPerRequest)} → ${fmt(two.cpuUsPerRequest)} | ${calls(one)} → ${calls(two)} |`,
      );
    }
  }
  return lines;
}

function scaleSection(report) {
  const scale = report.scale;
  if (!scale) return ["Not run (BENCH_SCALE=0, or a stack other than the targets' one without BENCH_SCALE=1)."];
  const lines = [];
  for (const note of scale.skipped || []) lines.push(`- Skipped: ${note}`);
  const entries = Object.values(scale.reads || {});
  if (entries.length) {
    lines.push('Random reads (scenario b, each request picks one of the seeded sessions at random):', '');
    lines.push(`| contender | ${scale.sizes.map((s) => `${fmt(s)} sessions: req/s (p50 / p99 ms)`).join(' | ')} | change |`);
    lines.push(`|---|${scale.sizes.map(() => '---:').join('|')}|---:|`);
    const ids = [...new Set(entries.map((e) => e.contender))];
    for (const id of ids) {
      const cells = scale.sizes.map((size) => {
        const m = scale.reads[`${id}@${size}`]?.median;
        return m ? `${fmt(m.rps)} (${fmt(m.p50, 2)} / ${fmt(m.p99, 2)})${m.foreignCores > (report.disturbance?.threshold ?? 0.25) ? ' †' : ''}` : '–';
      });
      const first = scale.reads[`${id}@${scale.sizes[0]}`]?.median;
      const last = scale.reads[`${id}@${scale.sizes[scale.sizes.length - 1]}`]?.median;
      lines.push(`| ${label(report, id)} | ${cells.join(' | ')} | ${first && last ? pct(last.rps / first.rps) : '–'} |`);
    }
    // Issue 25's target: reading among a million sessions costs what reading among a thousand does.
    const [small, large] = [scale.sizes[0], scale.sizes[scale.sizes.length - 1]];
    lines.push('', `Target: **reads with ${fmt(large)} stored sessions ≥ 0.95× the reads with ${fmt(small)}** (req/s, medians):`);
    for (const id of ids) {
      const first = scale.reads[`${id}@${small}`]?.median;
      const last = scale.reads[`${id}@${large}`]?.median;
      if (!first || !last) continue;
      const ratio = last.rps / first.rps;
      const cpu = first.cpuUsPerRequest && last.cpuUsPerRequest ? `; CPU ${fmt(last.cpuUsPerRequest)} vs ${fmt(first.cpuUsPerRequest)} µs/req` : '';
      lines.push(
        `- ${label(report, id)}: ${fmt(last.rps)} vs ${fmt(first.rps)} req/s = **${fmt(ratio, 2)}×**${cpu} — ${ratio >= 0.95 ? 'met' : `**missed** (${fmt((0.95 - ratio) * 100, 1)} points under 0.95×)`}`,
      );
    }
    const floor = scale.postgresFloor;
    const [floorSmall, floorLarge] = [floor?.sizes[small]?.median, floor?.sizes[large]?.median];
    if (floorSmall && floorLarge) {
      lines.push(
        '',
        `PostgreSQL alone (pgbench, ${floor.clients} clients as the store's pool, the store's read statement on the same table, in the same rounds): ${fmt(floorSmall)} tx/s with ${fmt(small)} rows, ${fmt(floorLarge)} with ${fmt(large)} = **${fmt(floorLarge / floorSmall, 2)}×**: a read among ${fmt(large)} rows costs PostgreSQL itself ${fmt(floorSmall / floorLarge, 1)} times the time of one among ${fmt(small)}, and on a host where PostgreSQL and the app share the cores, that time is taken from the app.`,
      );
    }
    const seeding = Object.entries(scale.seeding || {}).map(
      ([k, v]) =>
        `${k}: ${fmt(v.seconds, 1)} s${v.tableBytes ? ` (table + indexes ${fmt(v.tableBytes / 2 ** 20)} MiB)` : ''}${v.usedMemory ? ` (Redis used_memory ${fmt(v.usedMemory / 2 ** 20)} MiB)` : ''}`,
    );
    if (seeding.length) lines.push('', `Seeding: ${seeding.join('; ')}.`);
  }
  const p = scale.prune;
  if (p) {
    lines.push(
      '',
      `**Prune** (${p.contender}): \`prune()\` deleted ${fmt(p.deleted)} expired rows (of ${fmt(p.expiredRows)}; ${fmt(p.expiredLeft)} left; ${fmt(p.liveRows)} live rows kept) in **${fmt(p.pruneSeconds, 1)} s**, while serving random reads: ${fmt(p.rpsDuringPrune)} req/s, p50 ${fmt(p.p50DuringPrune, 2)} ms, p99 **${fmt(p.p99DuringPrune, 2)} ms** during the prune, against ${fmt(p.baseline?.rps)} req/s, p99 ${fmt(p.baseline?.p99, 2)} ms without it at the same size: the prune adds **${fmt(p.p99Added, 2)} ms** to p99. Other work on the machine used ${fmt(p.foreignCores, 2)} cores meanwhile${p.foreignCores > (report.disturbance?.threshold ?? 0.25) ? ' † (disturbed)' : ''}.${p.errors || p.non2xx ? ` ⚠ ${p.non2xx} non-2xx, ${p.errors} errors.` : ''}`,
    );
  }
  return lines;
}

function markdown(report) {
  const lines = ['# nest-session benchmarks', '', ...machineLines(report), ''];
  if (report.skipped?.length) {
    lines.push('Left out of this run:', ...report.skipped.map((s) => `- ${s.label}: ${s.reason}`), '');
  }
  if (report.deepImports?.length)
    lines.push(`⚠ Development run: ${report.deepImports.join(', ')} loaded from dist/ files because the package does not export them (BENCH_DEEP_IMPORT=1).`, '');
  lines.push(`## Summary: ${stackLine(report)} (requests/second · server CPU µs per request)`, '', ...summaryTable(report), '', '![chart](chart.svg)', '');
  lines.push(`## Targets (${stackLine(report)})`, '', ...targets(report), '');
  lines.push('## Scenarios in detail', '');
  lines.push(
    '"vs its limit": against the no-op-global-interceptor route plus hand-written Redis calls of the same platform for Redis contenders, else against the no-op-global-interceptor route (the required shape\'s own cost). "Redis round trips": commands the app process sent (counted in its ioredis client). "Redis commands run": calls in Redis\' `INFO commandstats` before and after the run, which also counts the commands a Lua script runs inside Redis. "SQL statements": statements the app sent through pg, BEGIN and COMMIT included.',
    '',
  );
  for (const scenario of report.scenarios) lines.push(...scenarioTable(report, scenario), '');
  lines.push('## Duplicate cookies', '', ...duplicateSection(report), '');
  lines.push('## GraphQL', '', ...graphqlSection(report), '');
  lines.push('## CSRF and events', '', ...securitySection(report), '');
  lines.push('## Multi-process', '', ...multiSection(report), '');
  lines.push('## Scale', '', ...scaleSection(report), '');
  lines.push('## Redis memory per stored session', '', ...memoryLines(report), '');
  return lines.join('\n');
}

const COLORS = { 'nest-session': '#2563eb', other: '#f59e0b', limit: '#9ca3af' };

/** Horizontal bars of req/s, one panel per scenario, p99 printed after each bar. */
function chart(report) {
  const width = 1000;
  const labelWidth = 470;
  const barMax = 330;
  const bar = 14;
  const gap = 4;
  const panelHead = 30;
  const panels = report.scenarios.map((scenario) => ({ scenario, contenders: ranIn(report, scenario.id) }));
  const panelHeight = (panel) => panelHead + panel.contenders.length * (bar + gap) + 16;
  const top = 56;
  const height = top + panels.reduce((h, panel) => h + panelHeight(panel), 0) + 10;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="16" font-weight="bold">nest-session benchmarks: requests/second (higher is better), p99 latency</text>`,
    `<text x="12" y="40" fill="#555">${escapeXml(`${stackLine(report)}; ${report.machine.cpu}, ${report.machine.cores} cores; ${report.options.connections} connections, ${report.options.duration} s x ${report.options.rounds} rounds, median`)}</text>`,
  ];
  let legendX = 620;
  for (const [family, color] of Object.entries(COLORS)) {
    out.push(
      `<rect x="${legendX}" y="30" width="12" height="12" fill="${color}"/><text x="${legendX + 16}" y="40">${family === 'other' ? 'other libraries' : family === 'limit' ? 'limits' : 'nest-session'}</text>`,
    );
    legendX += family === 'nest-session' ? 110 : 120;
  }
  let y0 = top;
  for (const { scenario, contenders } of panels) {
    const values = contenders.map((c) => med(report, scenario.id, c.id)?.rps ?? 0);
    const max = Math.max(1, ...values);
    out.push(`<text x="12" y="${y0 + 18}" font-size="14" font-weight="bold">${escapeXml(scenario.label)}</text>`);
    contenders.forEach((c, i) => {
      const y = y0 + panelHead + i * (bar + gap);
      const m = med(report, scenario.id, c.id);
      const w = m ? Math.max(1, (m.rps / max) * barMax) : 0;
      out.push(`<text x="${labelWidth - 8}" y="${y + bar - 3}" text-anchor="end"${c.family === 'nest-session' ? ' font-weight="bold"' : ''}>${escapeXml(c.label)}</text>`);
      if (m) {
        out.push(`<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${COLORS[c.family]}"/>`);
        out.push(`<text x="${labelWidth + w + 6}" y="${y + bar - 3}" fill="#333">${fmt(m.rps)} req/s · p99 ${fmt(m.p99, 1)} ms</text>`);
      } else {
        out.push(`<text x="${labelWidth + 6}" y="${y + bar - 3}" fill="#b91c1c">no result</text>`);
      }
    });
    y0 += panelHeight({ contenders });
  }
  out.push('</svg>');
  return out.join('\n');
}

function writeReports(report, dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'results.md'), markdown(report));
  fs.writeFileSync(path.join(dir, 'chart.svg'), `${chart(report)}\n`);
}

module.exports = {
  writeReports,
  markdown,
  chart,
  summaryTable,
  shortSummary,
  targets,
  targetChecks,
  scaleSection,
  memoryLines,
  machineLines,
  scenarioTable,
  duplicateSection,
  graphqlSection,
  securitySection,
  multiSection,
  stackLine,
};

if (require.main === module) {
  // node bench/report.js [results folder]: rewrites results.md and chart.svg from its results.json.
  const dir = path.resolve(process.argv[2] || path.join(__dirname, 'results'));
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'));
  writeReports(report, dir);
  console.log(`rewrote ${dir}/results.md and chart.svg`);
}
