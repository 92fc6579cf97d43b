'use strict';
/**
 * Prints the figures of the README's benchmark section from bench/results/<stack>/results.json:
 * one table per stack (named by its Node and Nest) and the target verdicts. The prose around them
 * (where the time goes) is written by hand from bench/results/analysis/.
 *
 *   node bench/tools/readme-section.js [results folder] > /tmp/section.md
 */
const fs = require('node:fs');
const path = require('node:path');
const { listStacks } = require('../stack');
const { summaryTable, targets, stackLine, duplicateSection, multiSection } = require('../report');

const results = process.argv[2] ? path.resolve(process.argv[2]) : path.join(__dirname, '..', 'results');
const out = [];
for (const { name } of listStacks()) {
  const file = path.join(results, name, 'results.json');
  if (!fs.existsSync(file)) continue;
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const when = `${report.startedAt.slice(0, 16).replace('T', ' ')} UTC`;
  out.push(`### ${stackLine(report).replace(/ \(stack.*\)$/, '')}`, '');
  out.push(
    `\`${report.command}\`, ${when}, ${report.minutes} min; nest-session from ${report.machine.library?.source ? `commit ${report.machine.library.source}` : 'this checkout'}; Express ${report.machine.express}, Fastify ${report.machine.fastify}. Requests per second · server CPU µs per request (median of ${report.options.rounds} alternating rounds of ${report.options.duration} s); † = other work used over 0.25 cores during the run even after repeats. Full tables: [\`bench/results/${name}/results.md\`](bench/results/${name}/results.md).`,
    '',
  );
  out.push(...summaryTable(report), '');
  out.push(`Targets on ${stackLine(report).replace(/ \(stack.*\)$/, '')}:`, '', ...targets(report), '');
  out.push(`Duplicate cookies:`, '', ...duplicateSection(report).slice(2), '');
  out.push(`Multi-process:`, '', ...multiSection(report).slice(2), '');
}
console.log(out.join('\n'));
