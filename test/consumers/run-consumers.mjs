#!/usr/bin/env node
// Consumer tests: pack nest-session, install the tarball into fresh apps the way a user would
// (plain `npm install`, no flags), compile them, and run an HTTP scenario against each app on
// Express and Fastify, with each of its two stores, on every Node binary given.
//
//   node test/consumers/run-consumers.mjs [--node /path/to/node]...   (default: this node)
//
// Plain Node with no dependency, so it runs on any Node >= 20. Prints one line per case and
// "N passed, M failed"; exits 1 on any failure.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp, stopApp } from './app-process.mjs';
import { runSessionScenario } from './session-scenario.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const tsc = join(repo, 'node_modules/typescript/bin/tsc');

/** The apps, their stores, and what their install must (not) contain. */
const APPS = [
  { name: 'nest12-esm', stores: ['cookie', 'redis'], mustLack: [] },
  // The skipLibCheck:false compile of this app is the "no optional driver" types check.
  { name: 'nest11-cjs', stores: ['cookie', 'file'], mustLack: ['ioredis', 'mongodb', 'memcache-client', 'typeorm'] },
];
const PLATFORMS = ['express', 'fastify'];
const SERVER_SIDE = new Set(['redis', 'file']);
const FIRST_PORT = 17100; // this suite's loopback range is 17100-17199
const CONCURRENT_APPS = 2; // app start-up is CPU-bound: one per core of a 2-core CI machine

const nodes = parseNodes(process.argv.slice(2));
const work = mkdtempSync(join(tmpdir(), 'nest-session-consumers-'));
const results = { passed: 0, failed: 0 };
const started = Date.now();

function parseNodes(args) {
  const list = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--node' && args[i + 1]) list.push(resolve(args[++i]));
    else throw new Error(`unknown argument ${args[i]}; usage: run-consumers.mjs [--node PATH]...`);
  }
  return list.length ? list : [process.execPath];
}

const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function record(ok, label, since, detail) {
  results[ok ? 'passed' : 'failed']++;
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${label}  (${seconds(since)})`);
  if (!ok && detail) console.log(indent(detail));
}

const indent = (text) =>
  String(text)
    .trim()
    .split('\n')
    .slice(0, 40)
    .map((line) => `      ${line}`)
    .join('\n');

/** Runs a command; resolves to its exit status and combined output (never rejects). */
function run(command, args, cwd) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolvePromise({ status: 1, output: `${output}${error.message}` }));
    child.on('close', (code) => resolvePromise({ status: code ?? 1, output }));
  });
}

/** Runs `jobs` (functions returning promises) at most `limit` at a time. */
async function pool(jobs, limit) {
  const queue = [...jobs];
  const worker = async () => {
    while (queue.length) await queue.shift()();
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}

/** Builds (unless `prepack` does it) and packs the library once; returns the tarball's path. */
async function packLibrary() {
  const since = Date.now();
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  if (!pkg.scripts?.prepack) {
    const build = await run('npm', ['run', 'build'], repo);
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.output}`);
  }
  const packed = await run('npm', ['pack', '--pack-destination', work], repo);
  if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.output}`);
  // The one tarball in the fresh folder: npm's --json report changed shape between npm 11 and 12.
  const tarball = join(
    work,
    readdirSync(work).find((name) => name.endsWith('.tgz')),
  );
  console.log(`packed ${tarball} (${seconds(since)})`);
  return tarball;
}

/** Peer-range trouble that a user would see; any of it fails the install case. */
function peerComplaints(output) {
  return output.split('\n').filter((line) => /ERESOLVE|overriding peer dependency|Conflicting peer dependency|peer .*nest-session|nest-session.* peer/i.test(line));
}

/** Copies the template, installs its deps and the tarball with plain `npm install`, compiles it. */
async function installApp(app, tarball) {
  const dir = join(work, app.name);
  cpSync(join(here, app.name), dir, { recursive: true, filter: (source) => !/node_modules|[/\\]dist$/.test(source) });

  let since = Date.now();
  const install = await run('npm', ['install', '--no-audit', '--no-fund', tarball], dir);
  const complaints = peerComplaints(install.output);
  record(
    install.status === 0 && complaints.length === 0,
    `${app.name}: npm install of the tarball, no ERESOLVE or peer warning`,
    since,
    install.status === 0 ? complaints.join('\n') : install.output,
  );
  if (install.status !== 0) return null;

  since = Date.now();
  const ls = await run('npm', ['ls', '@nestjs/core', '--all', '--parseable'], dir);
  const copies = new Set(ls.output.split('\n').filter((line) => line.endsWith(join('node_modules', '@nestjs', 'core'))));
  record(ls.status === 0 && copies.size === 1, `${app.name}: one @nestjs/core in the app (npm ls)`, since, `${copies.size} copies, npm ls exit ${ls.status}\n${ls.output}`);

  if (app.mustLack.length) {
    since = Date.now();
    const present = app.mustLack.filter((name) => existsSync(join(dir, 'node_modules', name)));
    record(present.length === 0, `${app.name}: none of the optional drivers installed (${app.mustLack.join(', ')})`, since, `installed: ${present.join(', ')}`);
  }

  since = Date.now();
  const compile = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir);
  const config = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''));
  record(compile.status === 0, `${app.name}: tsc (skipLibCheck ${config.compilerOptions.skipLibCheck})`, since, compile.output);
  // tsc emits despite type errors; the runtime cases still tell whether the package works.
  return existsSync(join(dir, 'dist', 'main.js')) ? dir : null;
}

async function runCase(nodeBin, version, app, dir, platform, store, port) {
  const label = `node ${version}  ${app.name}  ${platform.padEnd(7)}  ${store.padEnd(6)}`;
  const since = Date.now();
  const sessionDir = join(work, `sessions-${port}`);
  const env = {
    PLATFORM: platform,
    STORE: store,
    PORT: String(port),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    SESSION_DIR: sessionDir,
    REDIS_PREFIX: `nest-session-consumers:${process.pid}:${port}:`,
  };
  let app_;
  try {
    app_ = await startApp(nodeBin, dir, env);
    await runSessionScenario(`http://127.0.0.1:${port}`, { serverSide: SERVER_SIDE.has(store) });
    record(true, `${label}  cookie flags, counter 2, tampered, one Nest, logout`, since);
  } catch (error) {
    record(false, `${label}  scenario`, since, `${error.message}${app_ ? `\napp output:\n${app_.output()}` : ''}`);
  } finally {
    if (app_) await stopApp(app_);
    rmSync(sessionDir, { recursive: true, force: true });
  }
}

async function main() {
  console.log(`consumer tests in ${work}; nodes: ${nodes.join(', ')}`);
  const versions = nodes.map((bin) => execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim());
  const tarball = await packLibrary();

  // The installs wait on the registry, so the apps install side by side.
  let since = Date.now();
  const dirs = await Promise.all(APPS.map((app) => installApp(app, tarball)));
  console.log(`installed and compiled ${APPS.length} apps (${seconds(since)})`);
  const installed = APPS.map((app, i) => ({ app, dir: dirs[i] })).filter(({ app, dir }) => {
    if (!dir) record(false, `${app.name}: nothing to run (install or compile produced no dist/main.js)`, since);
    return dir !== null;
  });

  // Each app is installed once and started on every Node: nothing native in the apps.
  const jobs = [];
  let port = FIRST_PORT;
  for (const [index, nodeBin] of nodes.entries()) {
    for (const { app, dir } of installed) {
      for (const platform of PLATFORMS) {
        for (const store of app.stores) {
          const casePort = port++;
          jobs.push(() => runCase(nodeBin, versions[index], app, dir, platform, store, casePort));
        }
      }
    }
  }
  since = Date.now();
  await pool(jobs, CONCURRENT_APPS);
  console.log(`ran ${jobs.length} app scenarios on ${nodes.length} Node version(s), ${CONCURRENT_APPS} at a time (${seconds(since)})`);
}

try {
  await main();
} catch (error) {
  record(false, 'consumer run', started, error.stack ?? error);
}
if (results.failed === 0) rmSync(work, { recursive: true, force: true });
else console.log(`kept ${work} for inspection`);
console.log(`consumer tests took ${seconds(started)}`);
console.log(`${results.passed} passed, ${results.failed} failed`);
process.exitCode = results.failed ? 1 : 0;
