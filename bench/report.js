'use strict';
/**
 * Writes results.json, results.md (Markdown tables and the checks of the targets) and chart.svg
 * (hand-written SVG bars) from one run's report. `node bench/report.js` rewrites the Markdown and
 * the chart from an existing results.json.
 */
const fs = require('node:fs');
const path = require('node:path');

const fmt = (value, digits = 0) => (value === null || value === undefined || Number.isNaN(value) ? '–' : Number(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const pct = (ratio) => (ratio === null || ratio === undefined || !Number.isFinite(ratio) ? '–' : `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`);
const escapeXml = (text) => String(text).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

function med(report, scenario, id) {
  return report.results[scenario]?.[id]?.median ?? null;
}

function label(report, id) {
  return report.contenders.find((c) => c.id === id)?.label ?? id;
}

/** The limit a contender is measured against: the hand-written Redis route for Redis, else the bare route. */
function limitOf(contender) {
  const platform = contender.platform;
  return contender.backend === 'redis' ? `limit/raw-redis/${platform}` : `limit/bare/${platform}`;
}

function machineLines(report) {
  const m = report.machine;
  return [
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}; Node ${m.node}; Redis ${m.redis ?? 'not reachable'}; PostgreSQL ${m.postgres ?? 'not reachable'} (all on the same machine, over loopback).`,
    `- Command: \`${report.command}\` (${report.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${report.minutes} min).`,
    `- Shared machine: before each run the runner waits for other work to calm down, measures the CPU that other processes used during the run, and repeats a run during which they used over ${report.disturbance?.threshold ?? 0.25} cores (the least disturbed attempt is kept; ${report.disturbance?.retriesUsed ?? 0} runs were repeated, ${report.disturbance?.waitedSeconds ?? 0} s spent waiting). † marks a result that stayed disturbed.`,
    `- Load: autocannon in the runner process, ${report.options.connections} connections, ${report.options.duration} s per run after a ${report.options.warmup} s warm-up, ${report.options.rounds} round(s) alternating the contenders; the median of the rounds is shown. Latencies are per request, from autocannon's response events.`,
  ];
}

/** ` (evalsha 1 · hset 2)`: calls per request by command, the ones under 0.05 left out. */
function byCommand(commands) {
  const parts = Object.entries(commands || {}).filter(([, v]) => v >= 0.05).sort((a, b) => b[1] - a[1]).map(([name, v]) => `${name} ${fmt(v, v % 1 < 0.05 || v % 1 > 0.95 ? 0 : 2)}`);
  return parts.length ? ` (${parts.join(' · ')})` : '';
}

function scenarioTable(report, scenario) {
  const lines = [
    `### ${scenario.label}`,
    '',
    '| contender | req/s | p50 ms | p99 ms | vs its limit | Redis round trips/req | Redis commands run/req (by command) | SQL statements/req | server CPU µs/req |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const contender of report.contenders) {
    const m = med(report, scenario.id, contender.id);
    const error = report.results[scenario.id]?.[contender.id]?.error;
    if (!m) {
      lines.push(`| ${contender.label} | ${error ? `failed: ${error}` : '–'} | | | | | | | |`);
      continue;
    }
    const limit = contender.family === 'limit' ? null : med(report, scenario.id, limitOf(contender));
    const flags = (m.non2xx || m.errors ? ` ⚠ ${m.non2xx} non-2xx, ${m.errors} errors` : '') + (m.disturbed ? ' †' : '');
    const name = contender.family === 'nest-session' ? `**${contender.label}**` : contender.label;
    const redis = contender.backend === 'redis' || contender.kind === 'nest-session';
    lines.push(
      `| ${name}${flags} | ${fmt(m.rps)} | ${fmt(m.p50, 2)} | ${fmt(m.p99, 2)} | ${limit ? pct(m.rps / limit.rps) : ''} | ${redis ? fmt(m.redisRoundTrips, 2) : ''} | ${contender.backend === 'redis' ? `${fmt(m.redisCommands, 2)}${byCommand(m.redisByCommand)}` : ''} | ${contender.backend === 'postgres' ? fmt(m.sqlStatements, 2) : ''} | ${fmt(m.cpuUsPerRequest)} |`,
    );
  }
  return lines;
}

function summaryTable(report) {
  const lines = [
    `| contender | ${report.scenarios.map((s) => `${s.short} req/s (p99 ms)`).join(' | ')} |`,
    `|---|${report.scenarios.map(() => '---:').join('|')}|`,
  ];
  for (const contender of report.contenders) {
    const cells = report.scenarios.map((s) => {
      const m = med(report, s.id, contender.id);
      return m ? `${fmt(m.rps)} (${fmt(m.p99, 1)})${m.disturbed ? ' †' : ''}` : '–';
    });
    const name = contender.family === 'nest-session' ? `**${contender.label}**` : contender.label;
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  return lines;
}

/** The targets, checked from the numbers. Each line says met or missed, with the numbers. */
function targets(report) {
  const lines = [];
  const ours = report.contenders.filter((c) => c.family === 'nest-session');
  const others = report.contenders.filter((c) => c.family === 'other');
  const yes = (ok) => (ok ? 'met' : '**missed**');

  // 1. Routes that do not use the session.
  lines.push('1. **No store call and no measurable cost for routes that do not use the session** (scenario a, bare route of the same platform as the reference; differences under ~5% are within run-to-run noise here):');
  for (const c of ours) {
    const m = med(report, 'none', c.id);
    const bare = med(report, 'none', `limit/bare/${c.platform}`);
    if (!m) continue;
    const calls = c.backend === 'redis' ? m.redisRoundTrips : c.backend === 'postgres' ? m.sqlStatements : 0;
    const ratio = bare ? m.rps / bare.rps : null;
    lines.push(`   - ${c.label}: ${fmt(calls, 2)} store calls/req; ${fmt(m.rps)} vs ${fmt(bare?.rps)} req/s bare (${pct(ratio)}), p99 ${fmt(m.p99, 2)} vs ${fmt(bare?.p99, 2)} ms, CPU ${fmt(m.cpuUsPerRequest)} vs ${fmt(bare?.cpuUsPerRequest)} µs/req — ${yes(calls === 0 && ratio !== null && ratio >= 0.95)}`);
  }

  // 2. One round trip per read.
  lines.push('2. **One round trip for a read** (scenario b):');
  for (const c of ours.filter((c) => c.backend === 'redis' || c.backend === 'postgres')) {
    const m = med(report, 'read', c.id);
    if (!m) continue;
    const trips = c.backend === 'redis' ? m.redisRoundTrips : m.sqlStatements;
    lines.push(`   - ${c.label}: ${fmt(trips, 2)} ${c.backend === 'redis' ? 'Redis round trips' : 'SQL statements'}/req — ${yes(trips !== null && Math.abs(trips - 1) < 0.02)}`);
  }

  // 3. Reads within 10% of the raw GET.
  lines.push('3. **Reads within 10% of the raw-GET limit** (scenario b, same platform):');
  for (const c of ours.filter((c) => c.backend === 'redis')) {
    const m = med(report, 'read', c.id);
    const raw = med(report, 'read', `limit/raw-redis/${c.platform}`);
    if (!m || !raw) continue;
    const ratio = m.rps / raw.rps;
    lines.push(`   - ${c.label}: ${fmt(m.rps)} vs ${fmt(raw.rps)} req/s (${pct(ratio)}); p99 ${fmt(m.p99, 2)} vs ${fmt(raw.p99, 2)} ms; CPU ${fmt(m.cpuUsPerRequest)} vs ${fmt(raw.cpuUsPerRequest)} µs/req — ${yes(ratio >= 0.9)}`);
  }

  // 4. Ahead of every other contender.
  lines.push('4. **Ahead of every other contender on every scenario** — like for like (same platform, same kind of store), then our best variant against their best:');
  const sameStore = (c, o) => c.platform === o.platform && c.backend === o.backend;
  for (const scenario of report.scenarios) {
    const parts = [];
    for (const o of others) {
      const theirs = med(report, scenario.id, o.id);
      const match = ours.find((c) => sameStore(c, o));
      const mine = match ? med(report, scenario.id, match.id) : null;
      if (!theirs || !mine) continue;
      const ratio = mine.rps / theirs.rps;
      parts.push(`${match.id} ${fmt(mine.rps)} vs ${o.id} ${fmt(theirs.rps)} (${pct(ratio)}${ratio < 1 ? ', **behind**' : ''})`);
    }
    const bestOurs = ours.map((c) => ({ c, m: med(report, scenario.id, c.id) })).filter((x) => x.m).sort((a, b) => b.m.rps - a.m.rps)[0];
    const bestTheirs = others.map((c) => ({ c, m: med(report, scenario.id, c.id) })).filter((x) => x.m).sort((a, b) => b.m.rps - a.m.rps)[0];
    if (bestOurs && bestTheirs) parts.push(`best: ${bestOurs.c.id} ${fmt(bestOurs.m.rps)} vs ${bestTheirs.c.id} ${fmt(bestTheirs.m.rps)} (${pct(bestOurs.m.rps / bestTheirs.m.rps)})`);
    lines.push(`   - ${scenario.short}: ${parts.join('; ')}`);
  }
  return lines;
}

function scaleSection(report) {
  const scale = report.scale;
  if (!scale) return ['Not run (BENCH_SCALE=0).'];
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
    const seeding = Object.entries(scale.seeding || {}).map(([k, v]) => `${k}: ${fmt(v.seconds, 1)} s${v.tableBytes ? ` (table + indexes ${fmt(v.tableBytes / 2 ** 20)} MiB)` : ''}${v.usedMemory ? ` (Redis used_memory ${fmt(v.usedMemory / 2 ** 20)} MiB)` : ''}`);
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
  if (report.deepImports?.length) lines.push(`⚠ Development run: ${report.deepImports.join(', ')} loaded from dist/ files because the package does not export them (BENCH_DEEP_IMPORT=1).`, '');
  lines.push('## Summary (requests/second, p99 latency in ms)', '', ...summaryTable(report), '', '![chart](chart.svg)', '');
  lines.push('## Targets', '', ...targets(report), '');
  lines.push('## Scenarios in detail', '');
  lines.push('"vs its limit": against the hand-written Redis route of the same platform for Redis contenders, else against the bare route. "Redis round trips": commands the app process sent (counted in its ioredis client). "Redis commands run": calls in Redis\' `INFO commandstats` before and after the run, which also counts the commands a Lua script runs inside Redis. "SQL statements": statements the app sent through pg, BEGIN and COMMIT included.', '');
  for (const scenario of report.scenarios) lines.push(...scenarioTable(report, scenario), '');
  lines.push('## Scale', '', ...scaleSection(report), '');
  return lines.join('\n');
}

const COLORS = { 'nest-session': '#2563eb', other: '#f59e0b', limit: '#9ca3af' };

/** Horizontal bars of req/s, one panel per scenario, p99 printed after each bar. */
function chart(report) {
  const width = 1000;
  const labelWidth = 360;
  const barMax = 420;
  const bar = 14;
  const gap = 4;
  const panelHead = 30;
  const contenders = report.contenders;
  const panelHeight = panelHead + contenders.length * (bar + gap) + 16;
  const top = 56;
  const height = top + report.scenarios.length * panelHeight + 10;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="16" font-weight="bold">nest-session benchmarks: requests/second (higher is better), p99 latency</text>`,
    `<text x="12" y="40" fill="#555">${escapeXml(`${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}; ${report.options.connections} connections, ${report.options.duration} s x ${report.options.rounds} rounds, median`)}</text>`,
  ];
  let legendX = 620;
  for (const [family, color] of Object.entries(COLORS)) {
    out.push(`<rect x="${legendX}" y="30" width="12" height="12" fill="${color}"/><text x="${legendX + 16}" y="40">${family === 'other' ? 'other libraries' : family === 'limit' ? 'limits' : 'nest-session'}</text>`);
    legendX += family === 'nest-session' ? 110 : 120;
  }
  report.scenarios.forEach((scenario, index) => {
    const y0 = top + index * panelHeight;
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
  });
  out.push('</svg>');
  return out.join('\n');
}

function writeReports(report, dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'results.md'), markdown(report));
  fs.writeFileSync(path.join(dir, 'chart.svg'), `${chart(report)}\n`);
}

module.exports = { writeReports, markdown, chart, summaryTable, targets, scaleSection, machineLines, scenarioTable };

if (require.main === module) {
  const dir = path.join(__dirname, 'results');
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'));
  writeReports(report, dir);
  console.log(`rewrote ${dir}/results.md and chart.svg`);
}
