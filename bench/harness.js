'use strict';
/** Pieces of the runner: contender processes, load runs, Redis and PostgreSQL helpers. */
const { execFileSync, fork } = require('node:child_process');
const path = require('node:path');
const { stackRequire } = require('./stack');
const autocannon = stackRequire('autocannon');
const config = require('./config');
const { createRequest, DUPLICATE_COOKIE_HEADER } = require('./contenders');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Pins every thread of a process to one core (`taskset`), when the run pins (BENCH_PIN, see
 * config.js). Unpinned, the server and the load generator sometimes share a core and sometimes
 * not, and the same contender's CPU per request jumps between two levels from round to round.
 */
function pinProcess(pid, core) {
  if (core === undefined || !pid) return;
  execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
}

/** A contender in its own process, spoken to over IPC. */
class Server {
  /** `pinned`: on the contenders' core (config.PIN); the multi-process part leaves its processes to the scheduler. */
  constructor(contender, { pinned = true } = {}) {
    this.contender = contender;
    this.pinned = pinned;
    this.pending = new Map();
    this.nextId = 1;
    this.cookies = [];
  }

  start(timeoutMs = 60_000) {
    const child = fork(path.join(__dirname, 'server.js'), [this.contender.id], {
      env: process.env,
      execArgv: this.contender.execArgv || [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    if (this.pinned) pinProcess(child.pid, config.PIN?.server);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.contender.id} did not start within ${timeoutMs} ms`)), timeoutMs);
      child.on('message', (message) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          this.port = message.port;
          this.url = `http://127.0.0.1:${message.port}`;
          this.versions = message.versions;
          resolve(this);
        } else if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(message.message));
        } else {
          const waiter = this.pending.get(message.id);
          if (!waiter) return;
          this.pending.delete(message.id);
          if (message.type === 'error') waiter.reject(new Error(message.message));
          else waiter.resolve(message);
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        this.exited = true;
        const error = new Error(`${this.contender.id} exited (${code ?? signal})`);
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
        reject(error);
      });
    });
  }

  /** One IPC request, answered by the server process, bounded in time. */
  ask(type, timeoutMs = 10_000, extra = {}) {
    if (this.exited) return Promise.reject(new Error(`${this.contender.id} is not running`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.contender.id}: no answer to ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.child.send({ ...extra, type, id });
    });
  }

  /**
   * Creates sessions the way a browser would: the contender's first-visit request with no cookie
   * (`GET /write`, or the write mutation of a GraphQL app; `createRequest` in contenders.js),
   * keeping Set-Cookie.
   */
  async createSessions(count) {
    const cookies = [];
    const { method, path: route, headers, body } = createRequest(this.contender);
    const send = async () => {
      const response = await fetch(`${this.url}${route}`, { method, headers, body, signal: AbortSignal.timeout(5000) });
      await response.text();
      return response;
    };
    // A store still connecting answers 503 (a busy machine can make the first connect time out
    // and retry): keep asking for up to 30 s before giving up on the contender.
    const deadline = Date.now() + 30_000;
    for (let i = 0; i < count; i++) {
      let response = await send();
      while (response.status === 503 && Date.now() < deadline) {
        await sleep(250);
        response = await send();
      }
      if (response.status !== 200) throw new Error(`${this.contender.id}: ${method} ${route} answered ${response.status}`);
      const pairs = response.headers.getSetCookie().map((header) => header.split(';')[0]);
      if (pairs.length > 0) cookies.push(pairs.join('; '));
    }
    this.cookies = cookies;
    return cookies;
  }

  /** A CSRF token for each session, from `GET /token` with its cookie (nest-session contenders). */
  async fetchTokens() {
    const tokens = [];
    for (const cookie of this.cookies) {
      const response = await fetch(`${this.url}/token`, { headers: { cookie }, signal: AbortSignal.timeout(5000) });
      const token = await response.text();
      if (response.status !== 200 || !/^[\w-]{91}$/.test(token)) throw new Error(`${this.contender.id}: GET /token answered ${response.status} ${token.slice(0, 100)}`);
      tokens.push(token);
    }
    this.tokens = tokens;
    return tokens;
  }

  async stop() {
    if (this.exited || !this.child) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    try {
      this.child.send({ type: 'close' });
    } catch {
      // already gone
    }
    await Promise.race([exited, sleep(5000)]);
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/**
 * What a scenario sends to a server: method, path, body and the headers, the same for every
 * connection (`headers`) or one set per connection (`clientHeaders`: its session cookie, and its
 * CSRF token when the scenario sends one).
 */
function requestOf(scenario, server) {
  const headers = scenario.headers ?? {};
  let clientHeaders = [];
  if (scenario.cookie === 'duplicates') clientHeaders = [{ cookie: DUPLICATE_COOKIE_HEADER }];
  else if (scenario.cookie) {
    clientHeaders = server.cookies.map((cookie, i) => (scenario.token ? { cookie, 'x-csrf-token': server.tokens[i] } : { cookie }));
  }
  return { path: scenario.path, method: scenario.method ?? 'GET', body: scenario.body, headers, clientHeaders };
}

/**
 * One load run with autocannon, in this process. `clientHeaders` gives each connection its own
 * headers (its session cookie); `cookies` is the short form with cookies only; `pickCookie`
 * instead picks a cookie per request (the scale runs). Latencies are recorded here from
 * autocannon's per-response event (autocannon's own histogram keeps whole milliseconds), with
 * their completion time so a window can be cut out (the prune run). `url` may be a list:
 * autocannon then hands the connections out to them in turn (connection i goes to url i mod n),
 * which is how the multi-process part puts 2 app processes behind one load.
 */
function load({ url, path: route, method = 'GET', body, headers = {}, duration, connections, cookies = [], clientHeaders, pickCookie, onStart, maxDuration }) {
  const latencies = [];
  const times = [];
  let statusOther = 0;
  let connection = 0;
  const perClient = clientHeaders ?? cookies.map((cookie) => ({ cookie }));
  const options = {
    url: Array.isArray(url) ? url.map((u) => u + route) : url + route,
    method,
    body,
    headers,
    connections,
    pipelining: 1,
    duration: maxDuration ?? duration,
    timeout: 10,
  };
  if (pickCookie) {
    options.requests = [{ method, path: route, setupRequest: (request) => ({ ...request, headers: { ...request.headers, cookie: pickCookie() } }) }];
  } else if (perClient.length > 0) {
    // setHeaders replaces the connection's headers: the scenario's own go in again.
    options.setupClient = (client) => client.setHeaders({ ...headers, ...perClient[connection++ % perClient.length] });
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const instance = autocannon(options, (error, result) => {
      if (error) return reject(error);
      const sorted = Float64Array.from(latencies).sort();
      resolve({
        result,
        latencies,
        times,
        summary: {
          rps: result.requests.sent > 0 ? result.requests.total / result.duration : 0,
          requests: result.requests.total,
          sent: result.requests.sent,
          duration: result.duration,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          mean: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null,
          non2xx: result.non2xx + statusOther,
          errors: result.errors,
          timeouts: result.timeouts,
        },
      });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) {
        latencies.push(responseTime);
        times.push(performance.now() - started);
      }
    });
    if (onStart) onStart(instance);
  });
}

/** Redis INFO commandstats as { command: calls }. */
async function commandStats(redis) {
  const text = await redis.info('commandstats');
  const stats = {};
  for (const line of text.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match) stats[match[1]] = Number(match[2]);
  }
  return stats;
}

/** Calls per command between two commandstats snapshots, without the INFO calls of the runner. */
function commandDelta(before, after) {
  const delta = {};
  for (const [command, calls] of Object.entries(after)) {
    if (command === 'info') continue;
    const d = calls - (before[command] || 0);
    if (d > 0) delta[command] = d;
  }
  return delta;
}

/** Deletes every key of the bench (prefix nsbench:) in the bench's DB, by SCAN + UNLINK. */
async function deleteBenchKeys(redis) {
  let cursor = '0';
  let deleted = 0;
  const started = Date.now();
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.KEY_PREFIX}*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
    if (Date.now() - started > 300_000) throw new Error('deleting the bench keys took over 5 minutes');
  } while (cursor !== '0');
  return deleted;
}

function median(values) {
  const list = values.filter((v) => v !== null && v !== undefined && !Number.isNaN(v)).sort((a, b) => a - b);
  if (list.length === 0) return null;
  const mid = Math.floor(list.length / 2);
  return list.length % 2 ? list[mid] : (list[mid - 1] + list[mid]) / 2;
}

module.exports = { Server, pinProcess, load, requestOf, commandStats, commandDelta, deleteBenchKeys, median, percentile, sleep };
