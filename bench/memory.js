'use strict';
/**
 * The memory part: Redis bytes per stored session, nest-session beside express-session +
 * connect-redis for the same data.
 *
 *   [BENCH_STACK=<stack>] [BENCH_MEMORY_SESSIONS=20000] [BENCH_MEMORY_ONLY=id,id]
 *   [BENCH_MEMORY_REDIS_ARGS='--zset-max-listpack-entries 1024'] <that stack's node> bench/memory.js
 *
 * A private redis-server (free loopback port, no persistence) is started and stopped here, so
 * nothing else shares its memory. For each contender: a warm-up pass of N sessions (scripts
 * loaded, allocator warm), FLUSHDB, `used_memory`, N sessions, `used_memory` again; reported are
 * the delta divided by N, the keys per session, and the keys without a TTL (the target is none).
 * Every session holds the same data: a distinct user id, a 2-item cart and a 32-character token.
 *
 * - express-session + connect-redis: the stack's packages in an Express app served over HTTP
 *   here (the bench contender's options: `resave: false, saveUninitialized: false`), one request
 *   per session, so the stored JSON is exactly what express-session writes, its cookie included.
 * - nest-session: the library's own request path (`RequestSession` on `ServerSessionInterface`,
 *   as `bench/tools/library-path.js` drives it) with the Redis store, without and with the
 *   `userKey` option, so metadata and the user index are what an app gets; with `userKey` once
 *   with one session per user and once with three.
 * Each side uses its library's default key prefix (`session:`, `sess:`).
 */
const { createHash } = require('node:crypto');
const http = require('node:http');
const path = require('node:path');
const config = require('./config');
const { startPrivateRedis } = require('./private-redis');
const { stack, stackRequire, installedVersion, librarySource } = require('./stack');

const SESSIONS = Number(process.env.BENCH_MEMORY_SESSIONS || 20000);
/** Comma-separated contender ids to measure (all when unset): a large `BENCH_MEMORY_SESSIONS` takes minutes per contender. */
const ONLY = (process.env.BENCH_MEMORY_ONLY || '').split(',').filter(Boolean);
/**
 * Extra redis-server arguments, split on spaces (none when unset): to measure a server configured
 * otherwise than Redis' defaults, such as the larger listpack limit docs/stores/redis.md suggests
 * for a million sessions. The report names them.
 */
const REDIS_ARGS = (process.env.BENCH_MEMORY_REDIS_ARGS || '').split(' ').filter(Boolean);
const IN_FLIGHT = 50;

/** The data of session `i` (the same shape in every contender). */
const sessionData = (i, perUser) => ({
  userId: `user-${String(Math.floor(i / perUser)).padStart(6, '0')}`,
  cart: [
    { sku: 'A-1001', qty: 2 },
    { sku: 'B-2002', qty: 1 },
  ],
  token: createHash('sha256').update(`token${i}`).digest('hex').slice(0, 32),
});

/** Runs `op(i)` for i in [0, n), `IN_FLIGHT` at a time. */
async function forEachSession(n, op) {
  let next = 0;
  const worker = async () => {
    while (next < n) await op(next++);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/** express-session + connect-redis in an Express app; one GET /login per session. */
async function connectRedisContender(port) {
  const express = stackRequire('express');
  const session = stackRequire('express-session');
  const RedisStore = stackRequire('connect-redis').default;
  const { Redis } = stackRequire('ioredis');
  const client = new Redis({ port, enableAutoPipelining: config.AUTOPIPELINING });
  const app = express();
  app.use(session({ secret: config.SECRET, resave: false, saveUninitialized: false, store: new RedisStore({ client }) }));
  app.get('/login', (req, res) => {
    Object.assign(req.session, sessionData(Number(req.query.i), 1));
    res.end('ok');
  });
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const { port: appPort } = server.address();
  const create = (i) =>
    new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: appPort, path: `/login?i=${i}`, agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 && res.headers['set-cookie'] ? resolve() : reject(new Error(`GET /login: ${res.statusCode}`))));
      });
      req.on('error', reject);
    });
  const close = async () => {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
    client.disconnect();
  };
  return { create, close };
}

/** nest-session's request path with the Redis store; `userKey` on or off. */
async function nestSessionContender(port, { userKey, perUser }) {
  const dist = (file) => require(path.join(librarySource, 'dist', file));
  const { RedisSessionStore } = dist('stores/redis');
  const { ServerSessionInterface } = dist('session/server-session.interface');
  const { RequestSession } = dist('session/request-session');
  const { resolveOptions } = dist('utils/resolve-options');
  const store = new RedisSessionStore({ connection: { port } });
  const sessions = new ServerSessionInterface(resolveOptions({ secret: config.SECRET, store, ...(userKey ? { userKey: 'userId' } : {}) }), store);
  await sessions.start();
  const headers = new Map();
  const reply = {
    raw: { headersSent: false },
    code: () => undefined,
    getHeader: (n) => headers.get(n),
    header: (n, v) => void headers.set(n, v),
    removeHeader: (n) => void headers.delete(n),
  };
  const create = async (i) => {
    const raw = { headers: {} };
    const state = RequestSession.attach(sessions, { raw, headers: raw.headers }, reply);
    const session = await state.load();
    for (const [key, value] of Object.entries(sessionData(i, perUser))) session.set(key, value);
    await state.commit();
  };
  return { create, close: () => sessions.close() };
}

const CONTENDERS = [
  { id: 'connect-redis', label: 'express-session + connect-redis', open: (port) => connectRedisContender(port) },
  { id: 'nest-session', label: 'nest-session (Redis store)', open: (port) => nestSessionContender(port, { userKey: false, perUser: 1 }) },
  { id: 'nest-session-userKey', label: 'nest-session with `userKey`, 1 session per user', open: (port) => nestSessionContender(port, { userKey: true, perUser: 1 }) },
  {
    id: 'nest-session-userKey-3',
    label: 'nest-session with `userKey`, 3 sessions per user',
    perUser: 3,
    open: (port) => nestSessionContender(port, { userKey: true, perUser: 3 }),
  },
];

const usedMemory = async (client) => Number(/used_memory:(\d+)/.exec(await client.info('memory'))[1]);

/**
 * Every key: its type and encoding (a small hash or sorted set stays a listpack), and whether it
 * has a TTL; and `MEMORY USAGE` of the first key of each kind (its dictionary entry, name, object
 * and value: not its expiry entry, nor its share of the key tables), for the breakdown.
 */
async function keyCensus(client) {
  const types = {};
  const oneKey = {};
  let noTtl = 0;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = client.pipeline();
    for (const key of keys) pipeline.type(key).object('ENCODING', key).pttl(key);
    const replies = await pipeline.exec();
    for (let k = 0; k < keys.length; k++) {
      const type = `${replies[3 * k][1]} (${replies[3 * k + 1][1]})`;
      types[type] = (types[type] ?? 0) + 1;
      if (replies[3 * k + 2][1] === -1) noTtl++;
      oneKey[type] ??= Number(await client.memory('USAGE', keys[k], 'SAMPLES', '0'));
    }
  } while (cursor !== '0');
  return { types, oneKey, noTtl };
}

/** Bytes per session of one contender on the private server (see the header). */
async function measureContender(redis, contender, n, log) {
  const subject = await contender.open(redis.port);
  try {
    await redis.client.flushdb();
    await forEachSession(n, (i) => subject.create(i));
    await redis.client.flushdb();
    const before = await usedMemory(redis.client);
    await forEachSession(n, (i) => subject.create(i));
    const after = await usedMemory(redis.client);
    const keys = await redis.client.dbsize();
    const { types, oneKey, noTtl } = await keyCensus(redis.client);
    const result = {
      id: contender.id,
      label: contender.label,
      sessions: n,
      perUser: contender.perUser ?? 1,
      bytes: after - before,
      bytesPerSession: (after - before) / n,
      keys,
      keysPerSession: keys / n,
      types,
      oneKey,
      keysWithoutTtl: noTtl,
    };
    log(`memory ${contender.id}: ${result.bytesPerSession.toFixed(1)} B/session, ${result.keysPerSession.toFixed(2)} keys/session, ${noTtl} keys without TTL`);
    return result;
  } finally {
    await subject.close();
    await redis.client.flushdb();
  }
}

/** The memory part: every contender on one private redis-server. Returns what results.json keeps. */
async function runMemory({ log = console.log, sessions = SESSIONS } = {}) {
  const redis = await startPrivateRedis(REDIS_ARGS);
  const started = Date.now();
  try {
    const results = {};
    for (const contender of CONTENDERS) {
      if (ONLY.length > 0 && !ONLY.includes(contender.id)) continue;
      try {
        results[contender.id] = await measureContender(redis, contender, sessions, log);
      } catch (error) {
        results[contender.id] = { id: contender.id, label: contender.label, error: error.message };
        log(`memory ${contender.id}: ${error.message}`);
      }
    }
    const data = sessionData(0, 1);
    return { redis: redis.version, redisArgs: REDIS_ARGS.join(' ') || undefined, sessions, data, seconds: Math.round((Date.now() - started) / 100) / 10, results };
  } finally {
    await redis.stop();
  }
}

module.exports = { runMemory, CONTENDERS };

if (require.main === module) {
  runMemory()
    .then((memory) => {
      console.log(
        `stack ${stack.name}, Node ${process.versions.node}, nest-session ${installedVersion('nest-session')}, Redis ${memory.redis}${memory.redisArgs ? ` (${memory.redisArgs})` : ''}, ${memory.sessions} sessions, ${memory.seconds} s`,
      );
      const { memoryLines } = require('./report');
      console.log(memoryLines({ memory }).join('\n'));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
