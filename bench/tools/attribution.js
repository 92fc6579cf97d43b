'use strict';
/**
 * What a route that does not use the session pays for, piece by piece:
 *
 *   node bench/tools/attribution.js [express|fastify] [rounds] [seconds]
 *
 * Loads GET /none (with a session cookie) on the bare app, on bare apps with one piece of
 * nest-session's machinery each (a Nest middleware on every route, the same middleware running
 * the request in an AsyncLocalStorage, a global no-op interceptor, both), and on nest-session
 * itself; prints req/s, p99 and the server's CPU time per request (median of the rounds).
 */
const { findContender } = require('../contenders');
const { Server, load, median } = require('../harness');
const { Guard } = require('../cpu');

const [platform = 'express', roundsArg = '3', secondsArg = '4'] = process.argv.slice(2);
const IDS = [
  `limit/bare/${platform}`,
  `probe/middleware/${platform}`,
  `probe/als/${platform}`,
  `probe/interceptor/${platform}`,
  `probe/als-interceptor/${platform}`,
  `nest-session/cookie/${platform}`,
  `nest-session/redis/${platform}`,
];

async function main() {
  const guard = new Guard({ log: (m) => console.log(m), retries: 2 });
  const servers = [];
  try {
    for (const id of IDS) {
      const server = new Server(findContender(id));
      await server.start();
      await server.createSessions(50);
      servers.push(server);
    }
    const results = new Map(IDS.map((id) => [id, []]));
    for (let round = 0; round < Number(roundsArg); round++) {
      const order = round % 2 ? [...servers].reverse() : servers;
      for (const server of order) {
        const pids = async () => [process.pid, server.child.pid];
        const run = await guard.run(pids, server.contender.id, async () => {
          const base = { url: server.url, path: '/none', connections: 50, cookies: server.cookies };
          await load({ ...base, duration: 1 });
          const before = await server.ask('stats');
          const { summary } = await load({ ...base, duration: Number(secondsArg) });
          const after = await server.ask('stats');
          return { ...summary, cpuUs: (after.cpuUs - before.cpuUs) / summary.sent };
        });
        results.get(server.contender.id).push(run);
        console.log(
          `r${round + 1} ${server.contender.id.padEnd(34)} ${run.rps.toFixed(0).padStart(6)} req/s  p99 ${run.p99.toFixed(2)} ms  cpu ${run.cpuUs.toFixed(1)} µs/req  other ${run.foreignCores?.toFixed(2)}`,
        );
      }
    }
    const bare = median(results.get(IDS[0]).map((r) => r.cpuUs));
    console.log(`\n| app (${platform}, GET /none with a session cookie) | req/s | p99 ms | server CPU µs/req | CPU over bare |`);
    console.log('|---|---:|---:|---:|---:|');
    for (const id of IDS) {
      const runs = results.get(id);
      const cpu = median(runs.map((r) => r.cpuUs));
      console.log(
        `| ${findContender(id).label} | ${median(runs.map((r) => r.rps)).toFixed(0)} | ${median(runs.map((r) => r.p99)).toFixed(2)} | ${cpu.toFixed(1)} | +${(cpu - bare).toFixed(1)} (${(((cpu - bare) / bare) * 100).toFixed(0)}%) |`,
      );
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
