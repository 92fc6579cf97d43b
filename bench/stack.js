'use strict';
/**
 * Which stack this process measures, and a `require` that resolves from it.
 *
 * Each stack is a folder under bench/stacks/ with its own package.json and package-lock.json
 * (NestJS of one major, both platforms, the other session libraries, the drivers, autocannon) and
 * nest-session installed into it from the packed tarball (bench/stacks/prepare.js). Everything the
 * bench loads from a package goes through `stackRequire`, so a process holds one copy of Nest and
 * the library under test sees the same one as the app around it.
 *
 * The stack is BENCH_STACK (set by bench/run.js for the processes it starts); without it, the
 * stack whose Node major is this process's (so `node bench/tools/profile.js` on Node 20 uses the
 * Nest 11 stack, on Node 24 the Nest 12 one).
 */
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

const STACKS_DIR = path.join(__dirname, 'stacks');

/** Every stack: name, folder, the Node major and Nest major it is meant for (package.json `bench`). */
function listStacks() {
  return fs
    .readdirSync(STACKS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(STACKS_DIR, entry.name, 'package.json')))
    .map((entry) => {
      const dir = path.join(STACKS_DIR, entry.name);
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      return { name: entry.name, dir, node: String(manifest.bench.node), nest: String(manifest.bench.nest), targets: manifest.bench.targets === true };
    })
    .sort((a, b) => Number(b.nest) - Number(a.nest));
}

function currentStack() {
  const stacks = listStacks();
  const wanted = process.env.BENCH_STACK;
  if (wanted) {
    const found = stacks.find((s) => s.name === wanted);
    if (!found) throw new Error(`unknown BENCH_STACK ${wanted} (have ${stacks.map((s) => s.name).join(', ')})`);
    return found;
  }
  const major = process.versions.node.split('.')[0];
  return stacks.find((s) => s.node === major) ?? stacks[0];
}

const stack = currentStack();
const stackRequire = createRequire(path.join(stack.dir, 'package.json'));

/** The installed version of a package of the stack, read from its package.json on disk (some packages do not export it). */
function installedVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(stack.dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** The folder of the installed nest-session (for the few internal modules the bench uses). */
const librarySource = path.join(stack.dir, 'node_modules', 'nest-session');

module.exports = { stack, stackRequire, installedVersion, listStacks, librarySource, STACKS_DIR };
