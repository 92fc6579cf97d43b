'use strict';
/**
 * What the Redis commands of a session cost the app process inside ioredis, per call:
 *
 *   [BENCH_STACK=<stack>] <that stack's node> bench/tools/ioredis-call-cost.js [rounds] [calls per round]
 *
 * One autopipelined client (as the store's own), 50 calls in flight, against the bench's Redis
 * (DB 13, keys under nsbench:ioc:), alternating rounds, medians of the process' CPU time per call:
 * - the store's read, HGETALL of a logged-in session's hash (4 metadata fields, 4 data fields),
 *   beside connect-redis's GET of the same session as one JSON string;
 * - a script call (`return 1`) with the save's 14 arguments beside one with 3, and connect-redis's
 *   SET with its expiry: what each argument costs the client, apart from what Redis does.
 * A reply's fields each become a string of their own, so a read's cost grows with the hash's
 * field count; the store's layout (docs/stores/redis.md) decides that count.
 */
const { stack, stackRequire, installedVersion } = require('../stack');
const config = require('../config');

const [roundsArg = '7', callsArg = '100000'] = process.argv.slice(2);
const IN_FLIGHT = 50;
const PREFIX = `${config.KEY_PREFIX}ioc:`;

async function main() {
  const { Redis } = stackRequire('ioredis');
  const redis = new Redis({ ...config.REDIS, enableAutoPipelining: true });
  const hash = `${PREFIX}hash`;
  const string = `${PREFIX}string`;
  const now = Date.now();
  const csrf = 'x'.repeat(32);
  await redis.hset(hash, { c: now, t: now, u: 'user-1', h: now, 'data:uid': '"user-1"', 'data:cart': '["sku-1","sku-2"]', 'data:n': '1', 'data:csrf': JSON.stringify(csrf) });
  await redis.set(
    string,
    JSON.stringify({
      cookie: { originalMaxAge: config.LIFETIME, expires: new Date(now).toISOString(), httpOnly: true, path: '/' },
      uid: 'user-1',
      cart: ['sku-1', 'sku-2'],
      n: 1,
      csrf,
    }),
  );
  const sha = await redis.script('load', 'return 1');
  const saveArgs = [now + 1000, 0, now, now, config.LIFETIME, now, 'set', 0, 2, '', '', 'data:n', '2'];
  const ops = {
    'HGETALL, 8 fields (the store read)': () => redis.hgetall(hash),
    'GET, one JSON string (connect-redis read)': () => redis.get(string),
    'script call, 1 key + 13 arguments (the save)': () => redis.evalsha(sha, 1, hash, ...saveArgs),
    'script call, 1 key + 2 arguments': () => redis.evalsha(sha, 1, hash, now + 1000, 'data:n'),
    'SET with PX (connect-redis write)': () => redis.set(`${PREFIX}set`, '{"n":2}', 'PX', config.LIFETIME),
  };
  const cpuPerCall = async (op) => {
    const start = process.cpuUsage();
    for (let done = 0; done < Number(callsArg); done += IN_FLIGHT) await Promise.all(Array.from({ length: IN_FLIGHT }, op));
    const used = process.cpuUsage(start);
    return (used.user + used.system) / Number(callsArg);
  };
  const figures = Object.fromEntries(Object.keys(ops).map((name) => [name, []]));
  for (let round = 0; round < Number(roundsArg); round++) {
    for (const name of round % 2 === 0 ? Object.keys(ops) : Object.keys(ops).reverse()) figures[name].push(await cpuPerCall(ops[name]));
  }
  await redis.del(hash, string, `${PREFIX}set`);
  redis.disconnect();

  console.log(
    `ioredis ${installedVersion('ioredis')} on Node ${process.versions.node} (stack ${stack.name}): app CPU µs per call, ${roundsArg} alternating rounds of ${callsArg}, ${IN_FLIGHT} in flight\n`,
  );
  console.log('| call | median | min |');
  console.log('|---|---:|---:|');
  for (const [name, values] of Object.entries(figures)) {
    const sorted = [...values].sort((a, b) => a - b);
    console.log(`| ${name} | ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} | ${sorted[0].toFixed(2)} |`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
