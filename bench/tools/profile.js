'use strict';
/**
 * CPU profile of one contender under one scenario:
 *
 *   node bench/tools/profile.js <contender id> <scenario> [seconds]
 *   e.g. node bench/tools/profile.js nest-session/redis/express read 10
 *
 * Starts the contender with --cpu-prof, loads it like the runner does, and prints where its CPU
 * time went per request: by package (our dist/, Nest, the platform, ioredis, Node), the functions
 * with the most self time, and the synchronous cost of nest-session's own entry points. The
 * profile is kept in bench/results/profiles/ (open it in Chrome DevTools).
 */
const fs = require('node:fs');
const path = require('node:path');
const { findContender, SCENARIOS, DUPLICATE_COOKIE_HEADER } = require('../contenders');
const { stack } = require('../stack');
const { Server, load, sleep } = require('../harness');

const [id, scenarioId = 'read', secondsArg = '10'] = process.argv.slice(2);
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

function analyse(file, requests) {
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
  const perRequest = (samples) => ((samples * interval) / requests).toFixed(1);
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  console.log(`\nCPU busy: ${perRequest(busy)} µs/request over ${requests} requests (sampling every ${interval.toFixed(0)} µs)\n`);
  console.log('By package (self time, µs/request):');
  for (const [name, samples] of top(byCategory, 20)) console.log(`  ${perRequest(samples).padStart(7)}  ${name}`);
  console.log('\nTop functions by self time (µs/request):');
  for (const [name, samples] of top(self, 25)) console.log(`  ${perRequest(samples).padStart(7)}  ${name}`);
  console.log('\nnest-session functions, synchronous inclusive time (µs/request; callees included, awaits not):');
  for (const [name, samples] of top(inclusive, 25)) console.log(`  ${perRequest(samples).padStart(7)}  ${name}`);
}

async function main() {
  const scenario = SCENARIOS.find((s) => s.id === scenarioId);
  if (!scenario) throw new Error(`unknown scenario ${scenarioId}`);
  fs.mkdirSync(dir, { recursive: true });
  const before = new Set(fs.readdirSync(dir));
  const contender = { ...findContender(id), execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100'] };
  const server = new Server(contender);
  await server.start();
  try {
    await server.createSessions(50);
    const cookies = scenario.cookie === 'duplicates' ? [DUPLICATE_COOKIE_HEADER] : scenario.cookie ? server.cookies : [];
    const warm = await load({ url: server.url, path: scenario.path, connections: 50, cookies, duration: 2 });
    const { summary } = await load({ url: server.url, path: scenario.path, connections: 50, cookies, duration: Number(secondsArg) });
    console.log(`${id} ${scenarioId} (stack ${stack.name}: Node ${process.versions.node}, ${server.versions?.nest ? `@nestjs/core ${server.versions.nest}` : ''}): ${summary.rps.toFixed(0)} req/s, p50 ${summary.p50.toFixed(2)} ms, p99 ${summary.p99.toFixed(2)} ms`);
    await server.stop();
    await sleep(500);
    const file = fs.readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no profile was written');
    const named = path.join(dir, `${id.replace(/\//g, '_')}_${scenarioId}.cpuprofile`);
    fs.renameSync(path.join(dir, file), named);
    // The profile covers start-up and warm-up too: divide by every request the process served.
    analyse(named, warm.summary.sent + summary.sent + 50);
    console.log(`\nprofile: ${path.relative(process.cwd(), named)}`);
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
