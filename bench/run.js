'use strict';
/**
 * `npm run bench`: builds nothing itself (the npm script builds dist/ first), packs the library,
 * and for each stack in bench/stacks/ (newest Nest first) installs the stack's packages from its
 * lockfile, installs the packed library into it, and runs bench/run-stack.js in the stack's own
 * Node (each contender then runs in its own process on that Node and that Nest). Results go to
 * bench/results/<stack>/, and bench/results/results.md puts the stacks' summaries side by side.
 *
 *   BENCH_STACKS=nest12,nest11   which stacks, in this order (default: all, newest Nest first)
 *   BENCH_REINSTALL=1            npm ci even when a stack's node_modules matches its lockfile
 *   BENCH_ANALYSE=1              after each stack, CPU-profile every missed target (tools/analyse-misses.js)
 *   every other BENCH_* setting is passed to run-stack.js (see there and bench/README.md)
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { listStacks } = require('./stack');
const { nodeBinary, installPackages, packLibrary, installLibrary, sourceRevision } = require('./stacks/prepare');
const { writeOverview } = require('./overview');

const log = (message) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

function runStack(node, stack, env, script = 'run-stack.js', args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [path.join(__dirname, script), ...args], { env, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      if (code === 0) resolve();
      else reject(new Error(`the ${stack.name} run ended with ${code ?? signal}`));
    });
  });
}

async function main() {
  const root = path.join(__dirname, '..');
  if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run bench` (it builds the library first) or `npm run build`.');
  const all = listStacks();
  const names = process.env.BENCH_STACKS ? process.env.BENCH_STACKS.split(',') : all.map((s) => s.name);
  const stacks = names.map(
    (name) =>
      all.find((s) => s.name === name) ??
      (() => {
        throw new Error(`unknown stack ${name} (have ${all.map((s) => s.name).join(', ')})`);
      })(),
  );
  const source = sourceRevision();
  const tarball = packLibrary();
  log(`packed ${path.basename(tarball)} from ${source ?? 'this checkout'}`);
  const failures = [];
  for (const stack of stacks) {
    try {
      const node = nodeBinary(stack.node);
      installPackages(stack, log);
      const { version, peerNotes } = installLibrary(stack, tarball);
      log(`${stack.name}: nest-session ${version} installed from the tarball; Node ${node}`);
      for (const note of peerNotes) log(`${stack.name}: note: ${note}`);
      const env = { ...process.env, BENCH_STACK: stack.name, BENCH_LIBRARY_SOURCE: source ?? '' };
      // A results folder given by the user gets one subfolder per stack.
      if (process.env.BENCH_RESULTS_DIR) env.BENCH_RESULTS_DIR = path.join(path.resolve(process.env.BENCH_RESULTS_DIR), stack.name);
      await runStack(node, stack, env);
      if (process.env.BENCH_ANALYSE === '1') await runStack(node, stack, env, path.join('tools', 'analyse-misses.js'));
    } catch (error) {
      failures.push(`${stack.name}: ${error.message}`);
      log(`${stack.name} failed: ${error.message}`);
    }
  }
  fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
  const resultsDir = process.env.BENCH_RESULTS_DIR ? path.resolve(process.env.BENCH_RESULTS_DIR) : path.join(__dirname, 'results');
  const written = writeOverview(
    resultsDir,
    stacks.map((s) => s.name),
  );
  if (written) log(`overview: ${path.relative(process.cwd(), written)}`);
  if (failures.length > 0) throw new Error(`failed: ${failures.join('; ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
