'use strict';
/**
 * What the TypeORM store's PostgreSQL statements cost the app process, per call, for one or more
 * builds of the library side by side:
 *
 *   node bench/tools/typeorm-store-cost.js [rounds] [calls per round] [dist folder ...]
 *
 * Each dist folder is a build of the library inside this checkout (default: `dist`); to compare
 * a change, build the other version into a second folder first (`git stash && npm run build &&
 * cp -r dist .ab/old && git stash pop && npm run build`, then `... dist .ab/old`). Each folder
 * runs in a process of its own, alternating folders round by round: the store alone (no HTTP, no
 * Nest) on the bench's PostgreSQL (bench/config.js), a table made by the store's own migration,
 * 32 sessions with 32 calls in flight; a read is the store's `get`, a save its merge of one
 * changed key. Prints the median and minimum of the process' CPU time per call (user + system).
 * The database's own CPU is not in it: `test/scale/capacity.e2e.spec.ts` states that figure.
 */
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const config = require('../config');

const IN_FLIGHT = 32;
const root = path.resolve(__dirname, '../..');

/** One process' figures: CPU µs per read and per save of `dist`. */
async function measure(dist, calls) {
  const library = path.resolve(root, dist);
  const { TypeOrmSessionStore, CreateSessionTable1767225600000 } = require(library);
  const { DataSource } = require(require.resolve('typeorm', { paths: [library] }));
  const table = `nsbench_storecost_${process.pid}`;
  const dataSource = new DataSource({ type: 'postgres', ...config.PG, logging: false });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  await new CreateSessionTable1767225600000(table).up(runner);
  await runner.release();
  try {
    const store = new TypeOrmSessionStore({ dataSource, tableName: table, cleanupInterval: 0 });
    const write = (create, set) => ({ create, set, unset: [], createdAt: Date.now(), touchedAt: Date.now(), ttl: config.LIFETIME });
    const ids = Array.from({ length: IN_FLIGHT }, () => randomBytes(32).toString('base64url'));
    for (const id of ids) await store.save(id, write(true, { uid: 'u-1', cart: ['sku-1', 'sku-2'], n: 0 }));
    let counter = 0;
    const ops = { read: (id) => store.get(id), save: (id) => store.save(id, write(false, { n: ++counter })) };
    const cpuPerCall = async (op) => {
      const start = process.cpuUsage();
      for (let done = 0; done < calls; done += IN_FLIGHT) await Promise.all(ids.map(op));
      const used = process.cpuUsage(start);
      return (used.user + used.system) / calls;
    };
    for (const op of Object.values(ops)) await cpuPerCall(op); // warm-up: JIT, prepared statements
    const figures = {};
    for (const [name, op] of Object.entries(ops)) figures[name] = await cpuPerCall(op);
    return figures;
  } finally {
    await dataSource.query(`DROP TABLE IF EXISTS ${table}`);
    await dataSource.destroy();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function main() {
  const [roundsArg = '5', callsArg = '6000', ...dists] = process.argv.slice(2);
  const folders = dists.length > 0 ? dists : ['dist'];
  const figures = new Map(folders.map((folder) => [folder, { read: [], save: [] }]));
  for (let round = 0; round < Number(roundsArg); round++) {
    for (const folder of round % 2 === 0 ? folders : [...folders].reverse()) {
      const out = execFileSync(process.execPath, [__filename, '--child', folder, callsArg], { encoding: 'utf8' });
      const { read, save } = JSON.parse(out);
      figures.get(folder).read.push(read);
      figures.get(folder).save.push(save);
    }
  }
  console.log(`TypeORM store on PostgreSQL, app CPU µs per call: Node ${process.versions.node}, ${roundsArg} alternating rounds of ${callsArg} calls, ${IN_FLIGHT} in flight\n`);
  console.log('| build | read (median · min) | save one key (median · min) |');
  console.log('|---|---:|---:|');
  for (const [folder, { read, save }] of figures) {
    console.log(`| ${folder} | ${median(read).toFixed(1)} · ${Math.min(...read).toFixed(1)} | ${median(save).toFixed(1)} · ${Math.min(...save).toFixed(1)} |`);
  }
}

if (process.argv[2] === '--child') {
  measure(process.argv[3], Number(process.argv[4])).then(
    (figures) => process.stdout.write(JSON.stringify(figures)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  main();
}
