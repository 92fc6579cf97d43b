'use strict';
/**
 * Every contender: a Nest app on one platform with one session setup, serving the same three
 * routes (see server.js). `family` groups them in the report: our library, the other libraries,
 * and the limits (what the route costs with no session at all, or with one hand-written Redis
 * call and nothing else).
 */

const ALL = ['none', 'read', 'write', 'new'];

/**
 * `scenarios`: where the contender runs with BENCH_FULL=1. `core`: where it runs by default (the
 * set that checks the targets of the request-path issue and fits in the default run's time).
 */
const NEST_SESSION_STORES = [
  { store: 'cookie', backend: 'cookie', label: 'cookie store', core: ['dupcookie'] },
  { store: 'memory', backend: 'memory', label: 'memory store', core: [] },
  { store: 'redis', backend: 'redis', label: 'Redis', core: [...ALL, 'dupcookie'] },
  { store: 'typeorm', backend: 'postgres', label: 'TypeORM/PostgreSQL', core: [] },
  // The same Redis store with `asyncContext: true`: what AsyncLocalStorage costs per request.
  { store: 'redis', backend: 'redis', label: 'Redis, asyncContext on', variant: 'ctx', core: [] },
];

const on = (platform) => (platform === 'express' ? 'Express' : 'Fastify');

const CONTENDERS = [
  ...NEST_SESSION_STORES.flatMap(({ store, backend, label, variant, core }) =>
    ['express', 'fastify'].map((platform) => ({
      id: `nest-session/${variant ? `${store}-${variant}` : store}/${platform}`,
      asyncContext: variant === 'ctx' ? true : undefined,
      label: `nest-session, ${label} (${on(platform)})`,
      family: 'nest-session',
      kind: 'nest-session',
      store,
      backend,
      platform,
      scenarios: [...ALL, 'dupcookie'],
      core,
    })),
  ),
  {
    id: 'express-session/redis/express',
    label: 'express-session + connect-redis (Express)',
    family: 'other',
    kind: 'express-session',
    store: 'redis',
    backend: 'redis',
    platform: 'express',
    scenarios: ALL,
    core: ALL,
  },
  {
    id: 'express-session/memory/express',
    label: 'express-session, MemoryStore (Express)',
    family: 'other',
    kind: 'express-session',
    store: 'memory',
    backend: 'memory',
    platform: 'express',
    scenarios: ALL,
    core: [],
  },
  {
    id: 'nestjs-session/redis/express',
    label: 'nestjs-session + connect-redis (Express)',
    family: 'other',
    kind: 'nestjs-session',
    store: 'redis',
    backend: 'redis',
    platform: 'express',
    scenarios: ALL,
    // In the default run too: it is the anchor Nest users compare against (express-session
    // behind a Nest middleware), and it declares no Nest peer, so it runs on every stack.
    core: ALL,
  },
  {
    id: 'fastify-session/redis/fastify',
    label: '@fastify/session + connect-redis (Fastify)',
    family: 'other',
    kind: 'fastify-session',
    store: 'redis',
    backend: 'redis',
    platform: 'fastify',
    scenarios: ALL,
    core: ALL,
  },
  {
    id: 'fastify-session/memory/fastify',
    label: '@fastify/session, memory store (Fastify)',
    family: 'other',
    kind: 'fastify-session',
    store: 'memory',
    backend: 'memory',
    platform: 'fastify',
    scenarios: ALL,
    core: [],
  },
  ...['express', 'fastify'].flatMap((platform) => [
    {
      id: `limit/bare/${platform}`,
      label: `limit: bare route, no session (${on(platform)})`,
      family: 'limit',
      kind: 'bare',
      store: 'none',
      backend: 'none',
      platform,
      scenarios: ALL,
      core: ['none'],
    },
    // The required shape's own cost: a global interceptor that does nothing.
    {
      id: `limit/interceptor/${platform}`,
      label: `limit: bare route + no-op global interceptor (${on(platform)})`,
      family: 'limit',
      kind: 'interceptor',
      store: 'none',
      backend: 'none',
      platform,
      scenarios: [...ALL, 'dupcookie'],
      core: ['none', 'dupcookie'],
    },
    // The floor of a Redis session in that shape: the interceptor plus one hand-written GET.
    {
      id: `limit/interceptor-redis/${platform}`,
      label: `limit: no-op global interceptor + hand-written Redis GET / GET+SET (${on(platform)})`,
      family: 'limit',
      kind: 'interceptor-redis',
      store: 'redis',
      backend: 'redis',
      platform,
      scenarios: ALL,
      core: ['read', 'write', 'new'],
    },
    {
      id: `limit/raw-redis/${platform}`,
      label: `limit: hand-written Redis GET / GET+SET, no interceptor (${on(platform)})`,
      family: 'limit',
      kind: 'raw-redis',
      store: 'redis',
      backend: 'redis',
      platform,
      scenarios: ALL,
      core: [],
    },
  ]),
];

// SQL peer (issue 25, point 4): express-session + connect-pg-simple on Express, the PostgreSQL
// session store of the Express world, beside nest-session's TypeORM/PostgreSQL contender. Redis-free.
// Full runs only, like the TypeORM contender; for the pair alone:
//   BENCH_FULL=1 BENCH_ONLY='^(nest-session/typeorm/express|express-session/pg/express)$' BENCH_SCENARIOS=read,write
const SQL_PEERS = [
  {
    id: 'express-session/pg/express',
    label: 'express-session + connect-pg-simple (Express)',
    family: 'other',
    kind: 'express-session',
    store: 'pg',
    backend: 'postgres',
    platform: 'express',
    scenarios: ALL,
    core: [],
  },
];
CONTENDERS.push(...SQL_PEERS);

/**
 * The scenarios. `cookie`: true sends each connection a session cookie created before the run;
 * 'duplicates' sends the hostile header of the duplicate-cookie case instead.
 */
const SCENARIOS = [
  { id: 'none', path: '/none', cookie: true, label: '(a) route that does not use the session', short: 'no session use' },
  { id: 'read', path: '/read', cookie: true, label: '(b) route that reads the session', short: 'read' },
  { id: 'write', path: '/write', cookie: true, label: '(c) route that writes one key', short: 'write one key' },
  { id: 'new', path: '/write', cookie: false, label: '(d) new visitor: no cookie, the route writes one key', short: 'new visitor' },
  {
    id: 'dupcookie',
    path: '/read',
    cookie: 'duplicates',
    label: '(e) hostile: 1,053 copies of `session=a.b.c` in one Cookie header, route reads the session',
    short: 'duplicate cookies',
  },
];

/** The duplicate-cookie header: as many copies as fit in Node's default 16 KiB header limit. */
const DUPLICATE_COOKIE_HEADER = Array(1053).fill('session=a.b.c').join('; ');

/**
 * The multi-process part: the same app in 2 processes behind the same load (connections handed
 * out round-robin), against 1 process, for a Redis and a PostgreSQL store.
 */
const MULTI = {
  contenders: ['redis', 'typeorm'].flatMap((store) => ['express', 'fastify'].map((platform) => `nest-session/${store}/${platform}`)),
  defaultPlatforms: ['express'],
  scenarios: ['read', 'write'],
};

/**
 * Not contenders: bare apps with one piece of nest-session's machinery each, used by
 * tools/attribution.js to tell what a route that does not use the session pays for.
 */
const PROBES = ['express', 'fastify'].flatMap((platform) => [
  {
    id: `probe/interceptor/${platform}`,
    label: `bare + a global no-op interceptor (${platform})`,
    family: 'limit',
    kind: 'probe',
    probe: 'interceptor',
    store: 'none',
    backend: 'none',
    platform,
  },
  {
    id: `probe/middleware/${platform}`,
    label: `bare + a no-op Nest middleware on every route (${platform})`,
    family: 'limit',
    kind: 'probe',
    probe: 'middleware',
    store: 'none',
    backend: 'none',
    platform,
  },
  {
    id: `probe/als/${platform}`,
    label: `bare + a middleware that runs the request in an AsyncLocalStorage (${platform})`,
    family: 'limit',
    kind: 'probe',
    probe: 'als',
    store: 'none',
    backend: 'none',
    platform,
  },
  {
    id: `probe/als-interceptor/${platform}`,
    label: `bare + AsyncLocalStorage middleware + global no-op interceptor (${platform})`,
    family: 'limit',
    kind: 'probe',
    probe: 'als-interceptor',
    store: 'none',
    backend: 'none',
    platform,
  },
]);

function findContender(id) {
  const found = CONTENDERS.find((c) => c.id === id) ?? PROBES.find((c) => c.id === id);
  if (!found) throw new Error(`unknown contender ${id}`);
  return found;
}

module.exports = { CONTENDERS, SCENARIOS, PROBES, MULTI, DUPLICATE_COOKIE_HEADER, findContender };
