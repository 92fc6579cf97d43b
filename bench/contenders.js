'use strict';
/**
 * Every contender: a Nest app on one platform with one session setup, serving the same three
 * routes (see server.js). `family` groups them in the report: our library, the other libraries,
 * and the limits (what the route costs with no session at all, or with one hand-written Redis
 * call and nothing else).
 */

const NEST_SESSION_STORES = [
  { store: 'cookie', backend: 'cookie', label: 'cookie store' },
  { store: 'memory', backend: 'memory', label: 'memory store' },
  { store: 'redis', backend: 'redis', label: 'Redis' },
  { store: 'typeorm', backend: 'postgres', label: 'TypeORM/PostgreSQL' },
  // The same Redis store with `asyncContext: false`: what AsyncLocalStorage costs per request.
  { store: 'redis', backend: 'redis', label: 'Redis, asyncContext off', variant: 'noctx' },
];

const CONTENDERS = [
  ...NEST_SESSION_STORES.flatMap(({ store, backend, label, variant }) =>
    ['express', 'fastify'].map((platform) => ({
      id: `nest-session/${variant ? `${store}-${variant}` : store}/${platform}`,
      asyncContext: variant !== 'noctx',
      label: `nest-session, ${label} (${platform === 'express' ? 'Express' : 'Fastify'})`,
      family: 'nest-session',
      kind: 'nest-session',
      store,
      backend,
      platform,
    })),
  ),
  { id: 'express-session/redis/express', label: 'express-session + connect-redis (Express)', family: 'other', kind: 'express-session', store: 'redis', backend: 'redis', platform: 'express' },
  { id: 'express-session/memory/express', label: 'express-session, MemoryStore (Express)', family: 'other', kind: 'express-session', store: 'memory', backend: 'memory', platform: 'express' },
  { id: 'nestjs-session/redis/express', label: 'nestjs-session + connect-redis (Express)', family: 'other', kind: 'nestjs-session', store: 'redis', backend: 'redis', platform: 'express' },
  { id: 'fastify-session/redis/fastify', label: '@fastify/session + connect-redis (Fastify)', family: 'other', kind: 'fastify-session', store: 'redis', backend: 'redis', platform: 'fastify' },
  { id: 'fastify-session/memory/fastify', label: '@fastify/session, memory store (Fastify)', family: 'other', kind: 'fastify-session', store: 'memory', backend: 'memory', platform: 'fastify' },
  { id: 'limit/bare/express', label: 'limit: bare route, no session (Express)', family: 'limit', kind: 'bare', store: 'none', backend: 'none', platform: 'express' },
  { id: 'limit/bare/fastify', label: 'limit: bare route, no session (Fastify)', family: 'limit', kind: 'bare', store: 'none', backend: 'none', platform: 'fastify' },
  { id: 'limit/raw-redis/express', label: 'limit: hand-written Redis GET / GET+SET (Express)', family: 'limit', kind: 'raw-redis', store: 'redis', backend: 'redis', platform: 'express' },
  { id: 'limit/raw-redis/fastify', label: 'limit: hand-written Redis GET / GET+SET (Fastify)', family: 'limit', kind: 'raw-redis', store: 'redis', backend: 'redis', platform: 'fastify' },
];

/**
 * The scenarios. `cookie` says whether the client sends a session cookie created before the run;
 * all scenarios that send one give each connection its own session.
 */
const SCENARIOS = [
  { id: 'none', path: '/none', cookie: true, label: '(a) route that does not use the session', short: 'no session use' },
  { id: 'read', path: '/read', cookie: true, label: '(b) route that reads the session', short: 'read' },
  { id: 'write', path: '/write', cookie: true, label: '(c) route that writes one key', short: 'write one key' },
  { id: 'new', path: '/write', cookie: false, label: '(d) new visitor: no cookie, the route writes one key', short: 'new visitor' },
];

/**
 * Not contenders: bare apps with one piece of nest-session's machinery each, used by
 * tools/attribution.js to tell what a route that does not use the session pays for.
 */
const PROBES = ['express', 'fastify'].flatMap((platform) => [
  { id: `probe/interceptor/${platform}`, label: `bare + a global no-op interceptor (${platform})`, family: 'limit', kind: 'probe', probe: 'interceptor', store: 'none', backend: 'none', platform },
  { id: `probe/middleware/${platform}`, label: `bare + a no-op Nest middleware on every route (${platform})`, family: 'limit', kind: 'probe', probe: 'middleware', store: 'none', backend: 'none', platform },
  { id: `probe/als/${platform}`, label: `bare + a middleware that runs the request in an AsyncLocalStorage (${platform})`, family: 'limit', kind: 'probe', probe: 'als', store: 'none', backend: 'none', platform },
  { id: `probe/als-interceptor/${platform}`, label: `bare + AsyncLocalStorage middleware + global no-op interceptor (${platform})`, family: 'limit', kind: 'probe', probe: 'als-interceptor', store: 'none', backend: 'none', platform },
]);

function findContender(id) {
  const found = CONTENDERS.find((c) => c.id === id) ?? PROBES.find((c) => c.id === id);
  if (!found) throw new Error(`unknown contender ${id}`);
  return found;
}

module.exports = { CONTENDERS, SCENARIOS, PROBES, findContender };
