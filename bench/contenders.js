'use strict';
/**
 * Every contender: a Nest app on one platform with one session setup, serving the same three
 * routes (see server.js). `family` groups them in the report: our library, the other libraries,
 * and the limits (what the route costs with no session at all, or with one hand-written Redis
 * call and nothing else).
 */

const ALL = ['none', 'read', 'write', 'new'];

/**
 * Opt-in parts, each behind its own flag (see OPT_IN): a contender's `optIn[part]` lists the
 * scenarios it joins when that part is on, whatever BENCH_FULL says.
 */
const OPT_IN = { graphql: 'BENCH_GRAPHQL', security: 'BENCH_SECURITY' };
/** The security part: the events contender against the plain one on these (no event fires on `write`). */
const EVENT_SCENARIOS = ['write', 'new', 'login'];

/**
 * `scenarios`: where the contender runs with BENCH_FULL=1. `core`: where it runs by default (the
 * set that checks the targets of the request-path issue and fits in the default run's time).
 */
const NEST_SESSION_STORES = [
  { store: 'cookie', backend: 'cookie', label: 'cookie store', core: ['dupcookie'] },
  { store: 'memory', backend: 'memory', label: 'memory store', core: [] },
  // With BENCH_SECURITY=1 it is also the csrf-off and no-listener side of the security part.
  { store: 'redis', backend: 'redis', label: 'Redis', core: [...ALL, 'dupcookie'], optIn: { security: ['csrf-post', ...EVENT_SCENARIOS] } },
  // Read and write against express-session + connect-pg-simple (target 4), in the default run.
  { store: 'typeorm', backend: 'postgres', label: 'TypeORM/PostgreSQL', core: ['read', 'write'] },
  // The same Redis store with `asyncContext: true`: what AsyncLocalStorage costs per request.
  { store: 'redis', backend: 'redis', label: 'Redis, asyncContext on', variant: 'ctx', core: [] },
  // The security part (BENCH_SECURITY=1): the global CSRF check on, and one SessionEvents listener.
  { store: 'redis', backend: 'redis', label: 'Redis, csrf: true', variant: 'csrf', core: [], scenarios: [], optIn: { security: ['csrf-post'] } },
  { store: 'redis', backend: 'redis', label: 'Redis, one event listener', variant: 'events', core: [], scenarios: [], optIn: { security: EVENT_SCENARIOS } },
];

/** The GraphQL stacks of the GraphQL part: Apollo on Express, Mercurius on Fastify. */
const GRAPHQL_DRIVERS = [
  { driver: 'apollo', platform: 'express', name: 'Apollo on Express' },
  { driver: 'mercurius', platform: 'fastify', name: 'Mercurius on Fastify' },
];
const GRAPHQL_SCENARIOS = ['gql-read', 'gql-write'];
/** The packages a GraphQL contender loads from the stack, by driver. */
const GRAPHQL_PACKAGES = {
  apollo: ['graphql', '@nestjs/graphql', '@nestjs/apollo', '@apollo/server', '@as-integrations/express5'],
  mercurius: ['graphql', '@nestjs/graphql', '@nestjs/mercurius', 'mercurius'],
};

const on = (platform) => (platform === 'express' ? 'Express' : 'Fastify');

/** `client: 'plain'`: each Redis client of the contender is `new Redis(options)` (see above). */
function plainClientContenders() {
  const plain = { store: 'redis', backend: 'redis', client: 'plain', scenarios: ALL, core: ['read', 'write', 'new'] };
  return [
    ...['express', 'fastify'].map((platform) => ({
      ...plain,
      id: `nest-session/redis-plain/${platform}`,
      label: `nest-session, Redis, client new Redis() (${on(platform)})`,
      family: 'nest-session',
      kind: 'nest-session',
      platform,
    })),
    {
      ...plain,
      id: 'express-session/redis-plain/express',
      label: 'express-session + connect-redis, client new Redis() (Express)',
      family: 'other',
      kind: 'express-session',
      platform: 'express',
    },
    {
      ...plain,
      id: 'fastify-session/redis-plain/fastify',
      label: '@fastify/session + connect-redis, client new Redis() (Fastify)',
      family: 'other',
      kind: 'fastify-session',
      platform: 'fastify',
    },
  ];
}

const CONTENDERS = [
  ...NEST_SESSION_STORES.flatMap(({ store, backend, label, variant, core, scenarios, optIn }) =>
    ['express', 'fastify'].map((platform) => ({
      id: `nest-session/${variant ? `${store}-${variant}` : store}/${platform}`,
      variant,
      asyncContext: variant === 'ctx' ? true : undefined,
      csrf: variant === 'csrf' ? true : undefined,
      listener: variant === 'events' ? true : undefined,
      label: `nest-session, ${label} (${on(platform)})`,
      family: 'nest-session',
      kind: 'nest-session',
      store,
      backend,
      platform,
      scenarios: scenarios ?? [...ALL, 'dupcookie'],
      core,
      optIn,
    })),
  ),
  // The GraphQL part (BENCH_GRAPHQL=1): Apollo on Express, Mercurius on Fastify, each with
  // nest-session + Redis, the platform's other session library + connect-redis, and no session.
  ...GRAPHQL_DRIVERS.flatMap(({ driver, platform, name }) => {
    // What both Redis contenders of a driver share: opt-in only, never in the REST scenarios.
    const onDriver = { graphql: driver, variant: driver, store: 'redis', backend: 'redis', platform, scenarios: [], core: [], optIn: { graphql: GRAPHQL_SCENARIOS } };
    return [
      {
        ...onDriver,
        id: `nest-session/redis-${driver}/${platform}`,
        label: `nest-session, Redis, GraphQL ${name}`,
        family: 'nest-session',
        kind: 'nest-session',
      },
      {
        ...onDriver,
        id: platform === 'express' ? `express-session/redis-${driver}/express` : `fastify-session/redis-${driver}/fastify`,
        label: `${platform === 'express' ? 'express-session' : '@fastify/session'} + connect-redis, GraphQL ${name}`,
        family: 'other',
        kind: platform === 'express' ? 'express-session' : 'fastify-session',
      },
      {
        ...onDriver,
        id: `limit/graphql-${driver}/${platform}`,
        label: `limit: GraphQL ${name}, no session`,
        family: 'limit',
        kind: 'bare',
        store: 'none',
        backend: 'none',
      },
    ];
  }),
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
  // The Redis client as the README passes it and as apps create it: `new Redis()`, no
  // auto-pipelining. nest-session's store then pipelines through a duplicate of it; connect-redis
  // uses it as given. Held against each other (target 3 pairs plain with plain).
  ...plainClientContenders(),
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

const GRAPHQL_REQUEST = { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' } };

// SQL peer (issue 25, point 4): express-session + connect-pg-simple on Express, the PostgreSQL
// session store of the Express world, beside nest-session's TypeORM/PostgreSQL contender. Redis-free.
// In the default run on read and write (target 4), as the TypeORM contender; for the pair alone:
//   BENCH_ONLY='^(nest-session/typeorm/express|express-session/pg/express)$' BENCH_SCENARIOS=read,write
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
    core: ['read', 'write'],
  },
];
CONTENDERS.push(...SQL_PEERS);

/**
 * The scenarios. `cookie`: true sends each connection a session cookie created before the run;
 * 'duplicates' sends the hostile header of the duplicate-cookie case instead. `method`, `body`
 * and `headers` default to a GET with no body; `token` adds the connection's CSRF token in an
 * `X-CSRF-Token` header (fetched from `GET /token` with its cookie before the run).
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
  // The GraphQL part (`part`: the opt-in part the scenario belongs to; the summary table leaves these out).
  {
    id: 'gql-read',
    part: 'graphql',
    ...GRAPHQL_REQUEST,
    body: JSON.stringify({ query: '{ read }' }),
    cookie: true,
    label: '(f) GraphQL query reading one session key: `POST /graphql` `{ read }`',
    short: 'GraphQL read',
  },
  {
    id: 'gql-write',
    part: 'graphql',
    ...GRAPHQL_REQUEST,
    body: JSON.stringify({ query: 'mutation { write }' }),
    cookie: true,
    label: '(g) GraphQL mutation writing one session key: `POST /graphql` `mutation { write }`',
    short: 'GraphQL write',
  },
  // The security part. `login` stays last: its regenerate() ends the sessions of the cookies sent.
  {
    id: 'csrf-post',
    part: 'security',
    method: 'POST',
    path: '/write',
    cookie: true,
    token: true,
    label: '(h) `POST /write` with the session cookie and a valid `X-CSRF-Token`, the route writes one key',
    short: 'POST with CSRF token',
  },
  {
    id: 'login',
    part: 'security',
    path: '/login',
    cookie: true,
    label: '(i) login: `regenerate()` then write one key (`session.regenerated` fires)',
    short: 'login (regenerate)',
  },
];

/**
 * How a contender's sessions are made before the run (the request a browser's first visit
 * sends, keeping the Set-Cookie): `GET /write`, or the write mutation for GraphQL apps.
 */
function createRequest(contender) {
  return contender.graphql ? { ...GRAPHQL_REQUEST, body: JSON.stringify({ query: 'mutation { write }' }) } : { method: 'GET', path: '/write' };
}

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

module.exports = { CONTENDERS, SCENARIOS, PROBES, MULTI, OPT_IN, GRAPHQL_PACKAGES, DUPLICATE_COOKIE_HEADER, createRequest, findContender };
