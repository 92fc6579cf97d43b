'use strict';
/**
 * CPU profile of one contender under one scenario:
 *
 *   [BENCH_STACK=<stack>] <that stack's node> bench/tools/profile.js <contender id> <scenario> [seconds]
 *   e.g. BENCH_STACK=nest12 "$(bash .ci/node.sh 24)" bench/tools/profile.js nest-session/redis/express read 10
 *
 * Starts the contender, loads it like the runner does, profiles the measured window only (the
 * inspector's sampling profiler, 100 µs) and prints where its CPU time went per request: by
 * package (our dist/, Nest, the platform, ioredis, Node), the functions with the most self time, and the synchronous cost of nest-session's own entry points. The
 * profile is kept in bench/results/profiles/ (open it in Chrome DevTools).
 */
const fs = require('node:fs');
const path = require('node:path');
const { findContender, SCENARIOS } = require('../contenders');
const { stack } = require('../stack');
const { Server, load, requestOf, sleep } = require('../harness');
const { withSessionTable } = require('../session-table');

const [id, scenarioId = 'read', secondsArg = '10'] = require.main === module ? process.argv.slice(2) : ['-'];
if (!id) {
  console.error('usage: [BENCH_STACK=nest12|nest11] node bench/tools/profile.js <contender id> <scenario: none|read|write|new|dupcookie> [seconds]');
  process.exit(2);
}
const dir = path.join(__dirname, '..', 'results', 'profiles');

function category(url) {
  if (!url) return '(native / runtime)';
  if (url.includes('/node_modules/nest-session/dist/') || (url.includes('/dist/') && !url.includes('node_modules'))) return 'nest-session (dist/)';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1].startsWith('@nestjs/') ? '@nestjs/*' : match[1];
  if (url.startsWith('node:')) return 'Node core';
  if (url.includes('/bench/')) return 'bench app code';
  return url;
}

/** Where the CPU time of a profile went, in µs per request: by package, by function (self), and nest-session's functions (inclusive). */
function analyse(file, requests, cpuUsPerRequest = null) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children || []) parent.set(child, node.id);
  const interval = (profile.endTime - profile.startTime) / profile.samples.length; // µs per sample
  const self = new Map();
  const byCategory = new Map();
  const inclusive = new Map();
  let busy = 0;
  for (const sampleId of profile.samples) {
    const leaf = nodes.get(sampleId);
    const name = leaf.callFrame.functionName;
    if (name === '(idle)' || name === '(program)') continue;
    busy++;
    const key = `${name || '(anonymous)'} ${path.basename(leaf.callFrame.url || '')}:${leaf.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) || 0) + 1);
    const cat = name === '(garbage collector)' ? '(garbage collector)' : category(leaf.callFrame.url);
    byCategory.set(cat, (byCategory.get(cat) || 0) + 1);
    const seen = new Set();
    for (let nodeId = sampleId; nodeId !== undefined; nodeId = parent.get(nodeId)) {
      const frame = nodes.get(nodeId).callFrame;
      if (category(frame.url) !== 'nest-session (dist/)') continue;
      const fn = `${frame.functionName || '(anonymous)'} ${frame.url.slice(frame.url.indexOf('/dist/') + 1)}:${frame.lineNumber + 1}`;
      if (seen.has(fn)) continue;
      seen.add(fn);
      inclusive.set(fn, (inclusive.get(fn) || 0) + 1);
    }
  }
  // Samples are taken on wall-clock ticks; on a shared machine a descheduled process still
  // collects them. When the process' own CPU time is known, shares of it are reported instead.
  const us = cpuUsPerRequest ? (samples) => (samples / busy) * cpuUsPerRequest : (samples) => (samples * interval) / requests;
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, samples]) => [name, us(samples)]);
  return { requests, interval, scaled: Boolean(cpuUsPerRequest), busy: us(busy), byCategory: top(byCategory, 20), self: top(self, 25), inclusive: top(inclusive, 25) };
}

/** The analysis as text (what the CLI prints and the analysis files hold). */
function format(result) {
  const { analysis: a } = result;
  const rows = (list) => list.map(([name, value]) => `  ${value.toFixed(1).padStart(7)}  ${name}`);
  return [
    result.line,
    '',
    `CPU busy: ${a.busy.toFixed(1)} µs/request over ${a.requests} requests (${a.scaled ? "the process' CPU time per request, split by the profile's samples" : `sampling every ${a.interval.toFixed(0)} µs`})`,
    '',
    'By package (self time, µs/request):',
    ...rows(a.byCategory),
    '',
    'Top functions by self time (µs/request):',
    ...rows(a.self),
    '',
    'nest-session functions, synchronous inclusive time (µs/request; callees included, awaits not):',
    ...(a.inclusive.length ? rows(a.inclusive) : ['  (none)']),
    '',
  ].join('\n');
}

/**
 * Profiles one contender under one scenario: starts it with --cpu-prof, warms it up 2 s, loads
 * it `seconds`, stops it and analyses the profile it wrote.
 */
async function profileContender(id, scenarioId, seconds) {
  const contender = findContender(id);
  // The run drops the TypeORM store's table when it ends: a profile of that store makes its own.
  if (contender.backend === 'postgres' && contender.store === 'typeorm') return withSessionTable(() => profileServer(contender, scenarioId, seconds));
  return profileServer(contender, scenarioId, seconds);
}

async function profileServer(contender, scenarioId, seconds) {
  const { id } = contender;
  const scenario = SCENARIOS.find((s) => s.id === scenarioId);
  if (!scenario) throw new Error(`unknown scenario ${scenarioId}`);
  fs.mkdirSync(dir, { recursive: true });
  const server = new Server(contender);
  await server.start();
  try {
    await server.createSessions(50);
    if (scenario.token) await server.fetchTokens();
    const request = requestOf(scenario, server);
    await load({ url: server.url, ...request, connections: 50, duration: 2 });
    await sleep(150);
    // Only the measured window is profiled (start-up and warm-up are not), through the inspector.
    const before = await server.ask('stats');
    await server.ask('profile-start');
    const { summary } = await load({ url: server.url, ...request, connections: 50, duration: seconds });
    await sleep(150);
    const file = path.join(dir, `${stack.name}_${id.replace(/\//g, '_')}_${scenarioId}.cpuprofile`);
    await server.ask('profile-stop', 60_000, { file });
    const after = await server.ask('stats');
    const cpuUsPerRequest = (after.cpuUs - before.cpuUs) / summary.sent;
    const line = `${id} ${scenarioId} (stack ${stack.name}: Node ${server.versions?.node ?? process.versions.node}, @nestjs/core ${server.versions?.nest ?? '?'}): ${summary.rps.toFixed(0)} req/s, p50 ${summary.p50?.toFixed(2)} ms, p99 ${summary.p99?.toFixed(2)} ms (under the profiler)`;
    return { id, scenarioId, line, file, analysis: analyse(file, summary.sent, cpuUsPerRequest) };
  } finally {
    await server.stop();
  }
}

async function main() {
  const result = await profileContender(id, scenarioId, Number(secondsArg));
  console.log(format(result));
  console.log(`profile: ${path.relative(process.cwd(), result.file)}`);
}

module.exports = { profileContender, analyse, format };

if (require.main === module)
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
