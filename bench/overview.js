'use strict';
/**
 * bench/results/results.md: the stacks side by side (one column group per stack, each named by
 * its Node and Nest), then each stack's targets. The full tables stay in results/<stack>/.
 * `node bench/overview.js` rewrites it from the stacks' results.json.
 */
const fs = require('node:fs');
const path = require('node:path');
const { targets, stackLine, duplicateSection, multiSection } = require('./report');

const fmt = (value, digits = 0) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : Number(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function readReport(dir, name) {
  const file = path.join(dir, name, 'results.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
}

function overview(reports) {
  const lines = ['# nest-session benchmarks: the stacks side by side', ''];
  lines.push(
    "Each stack is measured in its own run (`npm run bench` runs them one after the other), every contender in its own process on that stack's Node and Nest; the tables of one stack are comparable with each other, the columns of two stacks only roughly (other runs, other moments of a shared machine). Full tables, p50/p99, round trips, and the duplicate-cookie, multi-process and scale parts: `results/<stack>/results.md`.",
    '',
  );
  for (const { name, report } of reports) {
    lines.push(
      `- \`${name}\`: ${stackLine(report)}; ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${report.minutes} min, \`${report.command}\`, nest-session from ${report.machine.library?.source ? `commit ${report.machine.library.source}` : 'this checkout'}; ${report.disturbance?.retriesUsed ?? 0} disturbed runs repeated.`,
    );
  }
  lines.push('');
  const scenarios = [];
  for (const { report } of reports) for (const s of report.scenarios) if (!scenarios.some((x) => x.id === s.id)) scenarios.push(s);
  const contenders = [];
  for (const { report } of reports) for (const c of report.contenders) if (!contenders.some((x) => x.id === c.id)) contenders.push(c);
  for (const scenario of scenarios) {
    lines.push(`### ${scenario.label}`, '');
    lines.push(`| contender | ${reports.map(({ report }) => `${stackLine(report).replace(/ \(stack.*\)$/, '')}: req/s · CPU µs/req`).join(' | ')} |`);
    lines.push(`|---|${reports.map(() => '---:').join('|')}|`);
    for (const c of contenders) {
      const cells = reports.map(({ report }) => {
        const m = report.results[scenario.id]?.[c.id]?.median;
        return m ? `${fmt(m.rps)} · ${fmt(m.cpuUsPerRequest)}${m.disturbed ? ' †' : ''}` : '';
      });
      if (cells.every((cell) => cell === '')) continue;
      lines.push(`| ${c.family === 'nest-session' ? `**${c.label}**` : c.label} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  for (const { report } of reports) {
    lines.push(`## Targets on ${stackLine(report)}`, '', ...targets(report), '');
  }
  for (const { report } of reports) {
    lines.push(`## Duplicate cookies on ${stackLine(report)}`, '', ...duplicateSection(report), '');
    lines.push(`## Multi-process on ${stackLine(report)}`, '', ...multiSection(report), '');
  }
  lines.push('† a run during which other work on the machine used over 0.25 cores on average, even after repeats.', '');
  return lines.join('\n');
}

/** Writes <dir>/results.md from the stacks' results; the file's path, or null when no stack has results. */
function writeOverview(dir, names) {
  const reports = names.map((name) => ({ name, report: readReport(dir, name) })).filter((r) => r.report);
  if (reports.length === 0) return null;
  const file = path.join(dir, 'results.md');
  fs.writeFileSync(file, overview(reports));
  return file;
}

module.exports = { writeOverview, overview };

if (require.main === module) {
  const dir = path.join(__dirname, 'results');
  const names = require('./stack')
    .listStacks()
    .map((s) => s.name);
  console.log(writeOverview(dir, names) ?? 'no results');
}
