'use strict';
/**
 * Who calls a function in a .cpuprofile: `node bench/tools/callers.js <file> <function name regex> [depth]`.
 * Prints the heaviest call chains (leaf first) with their share of samples.
 */
const fs = require('node:fs');
const [file, pattern, depthArg = '8'] = process.argv.slice(2);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
const hits = new Map();
for (const s of profile.samples) hits.set(s, (hits.get(s) || 0) + 1);
const busy = profile.samples.filter((s) => !/^\((idle|program)\)$/.test(nodes.get(s).callFrame.functionName)).length;
const chains = new Map();
const re = new RegExp(pattern);
for (const [id, count] of hits) {
  if (!re.test(nodes.get(id).callFrame.functionName)) continue;
  const chain = [];
  for (let x = id, i = 0; x !== undefined && i < Number(depthArg); x = parent.get(x), i++) {
    const f = nodes.get(x).callFrame;
    chain.push(`${f.functionName || '(anon)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`);
  }
  const key = chain.join('\n    < ');
  chains.set(key, (chains.get(key) || 0) + count);
}
for (const [chain, count] of [...chains].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
  console.log(`${((count / busy) * 100).toFixed(1)}% of busy samples:\n    ${chain}\n`);
}
