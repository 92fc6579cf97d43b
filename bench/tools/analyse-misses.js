'use strict';
/**
 * Where the time goes for every target a run missed:
 *
 *   BENCH_STACK=<stack> <that stack's node> bench/tools/analyse-misses.js [seconds]
 *   (bench/run.js runs it after each stack when BENCH_ANALYSE=1)
 *
 * Reads bench/results/<stack>/results.json, takes each missed target of the request-path issue,
 * CPU-profiles nest-session and the contender it is held against under the same scenario, and
 * writes bench/results/analysis/<stack>/: one text file per profile (tools/profile.js' summary)
 * and README.md with, per miss, the CPU per request by package side by side and the nest-session
 * functions that take the most time; the profiles themselves go, gzipped, to
 * bench/results/profiles/<stack>/ (flame graphs).
 */
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { stack } = require('../stack');
const { targetChecks } = require('../report');
const { profileContender, format } = require('./profile');

const seconds = Number(process.argv[2] || 6);
/** This stack's results (BENCH_RESULTS_DIR as bench/run.js sets it for the stack, else results/<stack>). */
const stackResults = process.env.BENCH_RESULTS_DIR ? path.resolve(process.env.BENCH_RESULTS_DIR) : path.join(__dirname, '..', 'results', stack.name);
const out = path.join(path.dirname(stackResults), 'analysis', stack.name);

/** Where the profiles of a stack's misses are kept: gzipped, a few tens of KB each. */
const profilesDir = path.join(path.dirname(stackResults), 'profiles', stack.name);

/**
 * Keeps a profile as `<name>.cpuprofile.gz` in {@link profilesDir}, for a flame graph: gunzip it,
 * then load it in Chrome DevTools (Performance, "Load profile") or drop it on speedscope.app.
 */
function keepProfile(file, name) {
  fs.mkdirSync(profilesDir, { recursive: true });
  fs.writeFileSync(path.join(profilesDir, `${name}.cpuprofile.gz`), zlib.gzipSync(fs.readFileSync(file), { level: 9 }));
  fs.rmSync(file, { force: true });
}

const f1 = (v) => (v === null || v === undefined ? '–' : v.toFixed(1));

function byPackageTable(ours, theirs) {
  const names = [...new Set([...ours.analysis.byCategory, ...theirs.analysis.byCategory].map(([name]) => name))];
  const get = (result, name) => result.analysis.byCategory.find(([n]) => n === name)?.[1] ?? 0;
  const rows = names
    .map((name) => [name, get(ours, name), get(theirs, name)])
    .filter(([, a, b]) => a >= 1 || b >= 1)
    .sort((x, y) => y[1] - y[2] - (x[1] - x[2]));
  return [
    `| package (self time) | ${ours.id} µs/req | ${theirs.id} µs/req | difference |`,
    '|---|---:|---:|---:|',
    `| **all (CPU busy)** | **${f1(ours.analysis.busy)}** | **${f1(theirs.analysis.busy)}** | **${ours.analysis.busy >= theirs.analysis.busy ? '+' : ''}${f1(ours.analysis.busy - theirs.analysis.busy)}** |`,
    ...rows.map(([name, a, b]) => `| ${name} | ${f1(a)} | ${f1(b)} | ${a >= b ? '+' : ''}${f1(a - b)} |`),
  ];
}

async function main() {
  const file = path.join(stackResults, 'results.json');
  if (!fs.existsSync(file)) throw new Error(`no results for stack ${stack.name} (${file})`);
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const misses = targetChecks(report).filter((k) => !k.ok);
  fs.mkdirSync(out, { recursive: true });
  // The summaries of an earlier run's misses would read as this run's: the folder holds this run's only.
  for (const name of fs.readdirSync(out)) if (name.endsWith('.txt')) fs.rmSync(path.join(out, name));
  const lines = [
    `# Where the time goes: missed targets on NestJS ${report.machine.serverNest ?? report.machine.nest} + Node ${String(report.machine.serverNode ?? report.machine.node).replace(/^v/, '')}`,
    '',
    `From the run of ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC (\`results/${stack.name}/results.md\`). Each missed target's two contenders were CPU-profiled under the same scenario, one after the other (the inspector's sampling profiler at 100 µs over the measured window only; 50 connections, 2 s warm-up, ${seconds} s measured; \`bench/tools/analyse-misses.js\`). Each column is the process' own CPU time per request in that window, split by the profile's samples (profiler overhead included, so compare the columns with each other rather than with the run's CPU column). The full summaries (top functions, nest-session's functions with their callees) are in the .txt files beside this one, and the profiles themselves, for flame graphs, were written to \`results/profiles/${stack.name}/\` on the machine that ran it (not committed: re-run \`bench/tools/analyse-misses.js\` to get them; gunzip, then Chrome DevTools or speedscope).`,
    '',
  ];
  if (misses.length === 0) lines.push('No target was missed.');
  const cache = new Map();
  const profiled = async (id, scenario) => {
    const key = `${id} ${scenario}`;
    if (!cache.has(key)) {
      console.log(`profiling ${key}`);
      const result = await profileContender(id, scenario, seconds);
      fs.writeFileSync(path.join(out, `${id.replace(/\//g, '_')}_${scenario}.txt`), format(result));
      keepProfile(result.file, `${id.replace(/\//g, '_')}_${scenario}`);
      cache.set(key, result);
    }
    return cache.get(key);
  };
  for (const miss of misses) {
    const ours = await profiled(miss.contender, miss.scenario);
    const theirs = await profiled(miss.reference, miss.scenario);
    lines.push(`## Target ${miss.target}: ${miss.contender} vs ${miss.reference}, scenario ${miss.scenario} — missed (${miss.missedBy})`, '');
    lines.push(
      `In the run: ${Math.round(miss.m.rps)} vs ${Math.round(miss.ref.rps)} req/s, ${Math.round(miss.m.cpuUsPerRequest)} vs ${Math.round(miss.ref.cpuUsPerRequest)} µs CPU/req.`,
      '',
    );
    lines.push(...byPackageTable(ours, theirs), '');
    if (ours.analysis.inclusive.length) {
      lines.push(
        `nest-session's heaviest functions in ${miss.contender} (inclusive of what they call synchronously, µs/req): ${ours.analysis.inclusive
          .slice(0, 6)
          .map(([name, v]) => `\`${name.replace(/^(\S+) dist\//, '$1 ')}\` ${f1(v)}`)
          .join(' · ')}`,
        '',
      );
    }
  }
  fs.writeFileSync(path.join(out, 'README.md'), `${lines.join('\n')}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)}/README.md (${misses.length} missed targets, ${cache.size} profiles)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
