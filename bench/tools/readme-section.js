'use strict';
/**
 * Prints the figures of the README's benchmark section from bench/results/<stack>/results.json:
 * one table per stack (named by its Node and Nest) and the target verdicts. The prose around them
 * (where the time goes) is written by hand from bench/results/analysis/.
 *
 *   node bench/tools/readme-section.js [results folder] > /tmp/section.md
 *   node bench/tools/readme-section.js --short [results folder]   (the README's table)
 */
const fs = require('node:fs');
const path = require('node:path');
const { listStacks } = require('../stack');
const { summaryTable, shortSummary, targets, stackLine, duplicateSection, multiSection, graphqlSection, securitySection, memoryLines, scaleSection } = require('../report');

const args = process.argv.slice(2);
// --short: the README's table (nest-session beside its peers, see shortSummary); otherwise docs/benchmarks.md's section.
const short = args.includes('--short');
const folder = args.find((arg) => !arg.startsWith('--'));
const results = folder ? path.resolve(folder) : path.join(__dirname, '..', 'results');
const out = [];
for (const { name } of listStacks()) {
  const file = path.join(results, name, 'results.json');
  if (!fs.existsSync(file)) continue;
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const when = `${report.startedAt.slice(0, 16).replace('T', ' ')} UTC`;
  // The run's own results.md, named from the repository's root and linked from docs/, where the section goes.
  const tables = path.relative(path.join(__dirname, '..', '..'), path.join(results, name, 'results.md'));
  if (short) {
    out.push(`${stackLine(report).replace(/ \(stack.*\)$/, '')}, ${when}, medians of ${report.options.rounds} alternating rounds:`, '', ...shortSummary(report), '');
    continue;
  }
  out.push(`### ${stackLine(report).replace(/ \(stack.*\)$/, '')}`, '');
  out.push(
    `\`${report.command}\`, ${when}, ${report.minutes} min; nest-session from ${report.machine.library?.source ? `commit ${report.machine.library.source}` : 'this checkout'}; Express ${report.machine.express}, Fastify ${report.machine.fastify}. Requests per second · server CPU µs per request (median of ${report.options.rounds} alternating rounds of ${report.options.duration} s); † = other work used over 0.25 cores during the run even after repeats. Full tables: [\`${tables}\`](../${tables}).`,
    '',
  );
  out.push(...summaryTable(report), '');
  out.push(spreadLine(report), '');
  out.push(`Targets on ${stackLine(report).replace(/ \(stack.*\)$/, '')}:`, '', ...targets(report), '');
  out.push(`Duplicate cookies:`, '', ...duplicateSection(report).slice(2), '');
  out.push(`Multi-process:`, '', ...multiSection(report).slice(2), '');
  if (report.memory) out.push('Redis memory per stored session:', '', ...memoryLines(report), '');
  if (report.scale) out.push('Scale:', '', ...scaleSection(report), '');
  // The opt-in parts, when this run had them (BENCH_GRAPHQL=1, BENCH_SECURITY=1).
  if (report.results['gql-read'] || report.results['gql-write']) out.push('GraphQL:', '', ...graphqlSection(report), '');
  if (report.results['csrf-post'] || report.results.login) out.push('CSRF and events:', '', ...securitySection(report), '');
}
console.log(out.join('\n'));

/**
 * How much one contender's CPU per request moved between the rounds of one scenario in this run:
 * the median and the largest max/min ratio over every contender and scenario. On a shared machine
 * this says how far apart two figures must be before they mean anything.
 */
function spreadLine(report) {
  const ratios = [];
  for (const [scenario, byContender] of Object.entries(report.results)) {
    for (const [id, { rounds }] of Object.entries(byContender)) {
      const cpu = rounds.map((round) => round.cpuUsPerRequest).filter((value) => value > 0);
      if (cpu.length > 1) ratios.push({ ratio: Math.max(...cpu) / Math.min(...cpu), label: `${id}, ${scenario}` });
    }
  }
  if (ratios.length === 0) return '';
  ratios.sort((a, b) => a.ratio - b.ratio);
  const median = ratios[Math.floor(ratios.length / 2)].ratio;
  const worst = ratios[ratios.length - 1];
  return `Round-to-round spread of CPU per request, same contender and scenario: median ${median.toFixed(2)}× (slowest round over fastest), largest ${worst.ratio.toFixed(2)}× (${worst.label}).`;
}
