'use strict';
/**
 * What a session read and write cost Redis itself, per call, as Redis measures them:
 *
 *   [BENCH_STACK=<stack>] <that stack's node> bench/tools/redis-script-cost.js [rounds] [calls per round]
 *
 * On a private redis-server (`bench/private-redis.js`; nothing else runs commands on it), 50
 * sessions created through the library's `RedisSessionStore`, 50 calls in flight. Each operation's
 * figure is the `usec` of its top-level commands in `INFO commandstats` (reset before each
 * operation) divided by the calls: a script's `EVALSHA` includes the commands it runs.
 * - nest-session read and write one key: the store's `get` (HGETALL) and `save` of one changed key
 *   (its save script), called as the request path calls them;
 * - the peers' (connect-redis): GET, and GET + SET of the same session as one JSON string;
 * - the save script taken apart: `return 1` called with the save's arguments (what calling a
 *   script costs), and a script that runs the save's four commands (TIME, HMGET of the metadata,
 *   HSET, PEXPIRE) and nothing else; what the save measures beyond that is its Lua logic.
 * Alternating rounds, medians. Redis' CPU per operation is the capacity model's figure
 * (docs/operations.md), and where Redis shares the cores with the app, it is taken from the app.
 */
const path = require('node:path');
const { stack, stackRequire, installedVersion, librarySource } = require('../stack');
const { startPrivateRedis } = require('../private-redis');

const dist = (file) => require(path.join(librarySource, 'dist', file));
const { RedisSessionStore } = dist('stores/redis');
const { META, LEGACY_META } = dist('stores/redis/redis-session.layout');
const { generateSessionId } = dist('utils/crypto');
const { Redis } = stackRequire('ioredis');

const [roundsArg = '7', callsArg = '20000'] = process.argv.slice(2);
const ROUNDS = Number(roundsArg);
const CALLS = Number(callsArg);
const IN_FLIGHT = 50;
const TTL = 86_400_000;

/** The save's four commands without its logic (ARGV as the save's: deadline, create, createdAt, touchedAt, ttl, now, mode, indexed until, pairs, user, indexed user, field, value). */
const FOUR_COMMANDS = `redis.call('time')
redis.call('hmget', KEYS[1], ${[META, LEGACY_META].flatMap((m) => [m.createdAt, m.userId, m.indexedUntil, m.touchedAt].map((f) => `'${f}'`)).join(', ')})
redis.call('hset', KEYS[1], '${META.touchedAt}', ARGV[4], ARGV[12], ARGV[13])
redis.call('pexpire', KEYS[1], ${TTL})
return 1`;

async function usecPerCall(client, commands, op) {
  await client.config('resetstat');
  for (let sent = 0; sent < CALLS; sent += IN_FLIGHT) {
    const batch = [];
    for (let slot = 0; slot < IN_FLIGHT; slot++) batch.push(op(slot, sent + slot));
    await Promise.all(batch);
  }
  const stats = await client.info('commandstats');
  let usec = 0;
  for (const command of commands) usec += Number(new RegExp(`cmdstat_${command}:calls=\\d+,usec=(\\d+)`).exec(stats)?.[1] ?? NaN);
  return usec / CALLS;
}

async function main() {
  const redis = await startPrivateRedis();
  const client = new Redis({ port: redis.port, enableAutoPipelining: true });
  const store = new RedisSessionStore({ connection: { port: redis.port } });
  try {
    await store.start({ timeout: 5000 });
    const now = Date.now();
    const ids = Array.from({ length: IN_FLIGHT }, () => generateSessionId());
    for (const id of ids) await store.save(id, { create: true, set: { n: 0 }, unset: [], createdAt: now, touchedAt: now, ttl: TTL, userId: undefined });
    const json = (n) => JSON.stringify({ cookie: { originalMaxAge: TTL, expires: new Date(now + TTL).toISOString(), httpOnly: true, path: '/', sameSite: 'lax' }, n });
    for (const id of ids) await client.set(`sess:${id}`, json(0), 'PX', TTL);
    const [floorSha, commandsSha] = await Promise.all([client.script('load', 'return 1'), client.script('load', FOUR_COMMANDS)]);
    const scriptArgs = (id, n) => {
      const at = Date.now();
      return [1, `session:{${id}}`, at + 5000, 0, now, at, TTL, at, 'keep', 0, 1, '', '', 'data:n', String(n)];
    };

    const ops = {
      'nest-session read (HGETALL)': [['hgetall'], (slot) => store.get(ids[slot])],
      'nest-session write one key (save script)': [
        ['evalsha'],
        (slot, n) => store.save(ids[slot], { create: false, set: { n }, unset: [], createdAt: now, touchedAt: Date.now(), ttl: TTL, userId: undefined }),
      ],
      'connect-redis read (GET)': [['get'], (slot) => client.get(`sess:${ids[slot]}`)],
      'connect-redis write (GET + SET)': [['get', 'set'], async (slot, n) => (await client.get(`sess:${ids[slot]}`), client.set(`sess:${ids[slot]}`, json(n), 'PX', TTL))],
      'a script call: return 1 with the save arguments': [['evalsha'], (slot, n) => client.evalsha(floorSha, ...scriptArgs(ids[slot], n))],
      "the save's four commands in a script, no logic": [['evalsha'], (slot, n) => client.evalsha(commandsSha, ...scriptArgs(ids[slot], n))],
    };
    const figures = Object.fromEntries(Object.keys(ops).map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const names = round % 2 === 0 ? Object.keys(ops) : Object.keys(ops).reverse();
      for (const name of names) figures[name].push(await usecPerCall(client, ...ops[name]));
    }

    console.log(
      `Redis CPU per operation (INFO commandstats): Redis ${redis.version}, private server; ioredis ${installedVersion('ioredis')}, Node ${process.versions.node}, stack ${stack.name}`,
    );
    console.log(`${ROUNDS} alternating rounds of ${CALLS} calls, ${IN_FLIGHT} in flight; µs per operation\n`);
    console.log('| operation | median | min |');
    console.log('|---|---:|---:|');
    for (const [name, values] of Object.entries(figures)) {
      const sorted = [...values].sort((a, b) => a - b);
      console.log(`| ${name} | ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} | ${sorted[0].toFixed(2)} |`);
    }
  } finally {
    client.disconnect();
    await store.close();
    await redis.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
