'use strict';
/**
 * nest-session's own request path, without HTTP and without Nest: what the library itself costs
 * per request, beside the same work written by hand.
 *
 *   [BENCH_STACK=<stack>] <that stack's node> bench/tools/library-path.js [rounds] [requests per round]
 *
 * In one process, against the Redis of the bench (DB 13, keys under nsbench:lp:), 50 requests in
 * flight at a time, each with its own session:
 * - nest-session: the request state, `open` (cookie, HMAC check, HGETALL), the handler's
 *   `get('n')` or `set('n', …)`, and `save` (change-set, the Redis save script, Set-Cookie) on a
 *   stand-in for Fastify's reply;
 * - by hand: a cookie regex, then `GET` (read), `GET` + `SET` (write) or `SET` (new visitor), and a
 *   Set-Cookie header: no signature, no data format, no merge.
 * Prints the process's CPU time per request (median and minimum of the rounds, alternating), and
 * what single steps cost on their own. The HTTP layer and Nest's interceptor pipeline are what
 * the full bench (`npm run bench`) adds on top.
 */
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { stack, stackRequire, installedVersion, librarySource } = require('../stack');
const config = require('../config');

const dist = (file) => require(path.join(librarySource, 'dist', file));
const { RedisSessionStore } = dist('stores/redis');
const { ServerSessionInterface } = dist('session/server-session.interface');
const { RequestSession } = dist('session/request-session');
const { resolveOptions } = dist('utils/resolve-options');
const { SessionIdSigner, generateSessionId } = dist('utils/crypto');
const { Redis } = stackRequire('ioredis');

const [roundsArg = '7', requestsArg = '20000'] = process.argv.slice(2);
const ROUNDS = Number(roundsArg);
const REQUESTS = Number(requestsArg);
const IN_FLIGHT = 50;
const PREFIX = `${config.KEY_PREFIX}lp:`;

/** Fastify's reply as far as the session touches it. */
function reply() {
  const headers = new Map();
  return {
    raw: { headersSent: false },
    code: () => undefined,
    getHeader: (name) => headers.get(name),
    header: (name, value) => void headers.set(name, value),
    removeHeader: (name) => void headers.delete(name),
    headers,
  };
}

const request = (cookie) => {
  const raw = { headers: cookie ? { cookie } : {} };
  return { raw, headers: raw.headers };
};

async function cpuPerRequest(op) {
  const start = process.cpuUsage();
  for (let sent = 0; sent < REQUESTS; sent += IN_FLIGHT) {
    const batch = [];
    for (let slot = 0; slot < IN_FLIGHT; slot++) batch.push(op(slot));
    await Promise.all(batch);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / REQUESTS;
}

function syncCost(fn, times = 100000) {
  for (let i = 0; i < 10000; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < times; i++) fn();
  return Number(process.hrtime.bigint() - start) / times / 1000;
}

async function main() {
  const connection = { ...config.REDIS, enableAutoPipelining: true };
  const store = new RedisSessionStore({ connection, prefix: `${PREFIX}ns:` });
  const sessions = new ServerSessionInterface(resolveOptions({ secret: config.SECRET, store }), store);
  await sessions.start();
  const raw = new Redis(connection);
  let counter = 0;

  const cookies = [];
  const ids = [];
  for (let slot = 0; slot < IN_FLIGHT; slot++) {
    const response = reply();
    const state = RequestSession.attach(sessions, request(), response);
    (await state.load()).set('n', slot);
    await state.commit();
    cookies.push(String(response.headers.get('set-cookie')).split(';')[0]);
    ids.push(randomBytes(32).toString('base64url'));
    await raw.set(`${PREFIX}raw:${ids[slot]}`, JSON.stringify({ n: slot }));
  }

  const session = async (cookie, handle) => {
    const state = RequestSession.attach(sessions, request(cookie), reply());
    handle(await state.load());
    await state.commit();
  };
  const sid = (cookie) => /(?:^|;\s*)sid=([^;]+)/.exec(cookie)?.[1];
  const ops = {
    'nest-session read': (slot) => session(cookies[slot], (s) => String(s.get('n'))),
    'by hand read': async (slot) => {
      const value = await raw.get(`${PREFIX}raw:${sid(`sid=${ids[slot]}`)}`);
      return String(JSON.parse(value).n);
    },
    'nest-session write': (slot) => session(cookies[slot], (s) => s.set('n', ++counter)),
    'by hand write': async (slot) => {
      const key = `${PREFIX}raw:${sid(`sid=${ids[slot]}`)}`;
      const data = JSON.parse(await raw.get(key));
      data.n = ++counter;
      await raw.set(key, JSON.stringify(data), 'PX', config.LIFETIME);
      reply().header('set-cookie', `sid=${ids[slot]}; Path=/; HttpOnly; SameSite=Lax`);
    },
    'nest-session new visitor': () => session(undefined, (s) => s.set('n', ++counter)),
    'by hand new visitor': async () => {
      const id = randomBytes(32).toString('base64url');
      await raw.set(`${PREFIX}raw:${id}`, JSON.stringify({ n: ++counter }), 'PX', config.LIFETIME);
      reply().header('set-cookie', `sid=${id}; Path=/; HttpOnly; SameSite=Lax`);
    },
  };

  const figures = Object.fromEntries(Object.keys(ops).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const names = round % 2 === 0 ? Object.keys(ops) : Object.keys(ops).reverse();
    for (const name of names) if (!process.env.LP_ONLY || name === process.env.LP_ONLY) figures[name].push(await cpuPerRequest(ops[name])); else figures[name].push(0);
  }


  const signer = new SessionIdSigner([config.SECRET], 'session');
  const signed = signer.sign(generateSessionId());
  const steps = {
    'HMAC check of the cookie (unsign)': () => signer.unsign(signed),
    'HMAC signature of a new id (sign)': () => signer.sign(signed.slice(0, 43)),
    'a new id (32 random bytes)': () => generateSessionId(),
  };

  console.log(
    `nest-session's request path without HTTP and Nest: stack ${stack.name}, Node ${process.versions.node}, @nestjs/core ${installedVersion('@nestjs/core')}, ioredis ${installedVersion('ioredis')}`,
  );
  console.log(`${ROUNDS} alternating rounds of ${REQUESTS} requests, ${IN_FLIGHT} in flight; process CPU µs per request\n`);
  console.log('| path | median | min |');
  console.log('|---|---:|---:|');
  for (const [name, values] of Object.entries(figures)) {
    const sorted = [...values].sort((a, b) => a - b);
    console.log(`| ${name} | ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} | ${sorted[0].toFixed(1)} |`);
  }
  console.log('\n| single step | µs |');
  console.log('|---|---:|');
  if (!process.env.LP_ONLY) for (const [name, fn] of Object.entries(steps)) console.log(`| ${name} | ${syncCost(fn).toFixed(2)} |`);

  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
    if (keys.length > 0) await raw.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  raw.disconnect();
  await sessions.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
