'use strict';
/**
 * One contender as its own process: `node bench/server.js <contender id>`. It listens on a free
 * loopback port and tells the runner over IPC ({ type: 'ready', port }). Every contender serves
 * the same routes with the same handler code, as far as each library's API allows:
 *
 *   GET /none   does not use the session        -> 'ok'
 *   GET /read   reads the key `n`               -> its value
 *   GET /write  sets the key `n` to a new value -> 'ok'
 *
 * nest-session contenders also serve `POST /write` (the same handler: the CSRF scenario),
 * `GET /token` (a CSRF token of the session) and `GET /login` (`regenerate()`, then write `n`).
 * GraphQL contenders serve `POST /graphql` instead: `{ read }` and `mutation { write }`, the
 * same two handlers as resolvers.
 *
 * The runner asks over IPC for counters ({ type: 'stats' }: Redis commands and SQL statements
 * this process sent) and, for the TypeORM contender, for a prune ({ type: 'prune' }).
 */
require('./stack').stackRequire('reflect-metadata');
const { randomBytes } = require('node:crypto');
const config = require('./config');
const { stack, stackRequire, installedVersion } = require('./stack');
const { findContender } = require('./contenders');
const { loadExport } = require('./lib-exports');

const contender = findContender(process.argv[2]);
const counters = { redisCommands: 0, pgQueries: 0, events: 0 };
let onPrune = null;
let onClose = null;
let profiler = null;

// Client-side counters, a cross-check of Redis' own INFO commandstats and the only count of SQL
// statements: every ioredis command goes through sendCommand, every pg statement through query.
{
  const { Redis } = stackRequire('ioredis');
  const send = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (...args) {
    counters.redisCommands++;
    return send.apply(this, args);
  };
  const pg = stackRequire('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...args) {
    counters.pgQueries++;
    return query.apply(this, args);
  };
}

const common = stackRequire('@nestjs/common');
const { NestFactory, APP_INTERCEPTOR } = stackRequire('@nestjs/core');

/**
 * A controller class built without TypeScript: the decorators are applied by hand. A route is
 * `GET /<its name>` unless it says otherwise (`method: 'Post'`, `path`).
 */
function defineController(routes) {
  class BenchController {}
  for (const [name, route] of Object.entries(routes)) {
    BenchController.prototype[name] = route.handler;
    const descriptor = Object.getOwnPropertyDescriptor(BenchController.prototype, name);
    (route.params || []).forEach((param, index) => param(BenchController.prototype, name, index));
    common[route.method ?? 'Get'](route.path ?? name)(BenchController.prototype, name, descriptor);
  }
  common.Controller()(BenchController);
  return BenchController;
}

function defineModule(metadata) {
  class AppModule {}
  common.Module(metadata)(AppModule);
  return AppModule;
}

let counter = 0;

/** The routes through a session object with get/set (nest-session, @fastify/session). */
function sessionRoutes(param, sessionOf) {
  return {
    none: { handler: () => 'ok' },
    read: { params: [param], handler: (arg) => String(sessionOf(arg).get('n')) },
    write: {
      params: [param],
      handler: (arg) => {
        sessionOf(arg).set('n', ++counter);
        return 'ok';
      },
    },
  };
}

/**
 * nest-session's routes: the three above, plus what the security part sends. `POST /write` is
 * the same handler as `GET /write` (with `csrf: true` it is checked, GET is not); `GET /token`
 * gives the bench a token for the session's cookie; `GET /login` is a login's session work.
 */
function nestSessionRoutes(param) {
  const routes = sessionRoutes(param, (session) => session);
  return {
    ...routes,
    // A handler of its own (Nest keeps a route's method on its handler function).
    postWrite: { ...sessionRoutes(param, (session) => session).write, method: 'Post', path: 'write' },
    token: { params: [param], handler: (session) => session.csrfToken() },
    login: {
      params: [param],
      handler: async (session) => {
        await session.regenerate();
        session.set('n', ++counter);
        return 'ok';
      },
    },
  };
}

/** `GraphQLModule.forRoot()` with the driver and a schema built from the resolver in memory; defaults otherwise. */
function graphqlModule(driver) {
  const { GraphQLModule } = stackRequire('@nestjs/graphql');
  if (driver === 'apollo') return GraphQLModule.forRoot({ driver: stackRequire('@nestjs/apollo').ApolloDriver, autoSchemaFile: true });
  return GraphQLModule.forRoot({ driver: stackRequire('@nestjs/mercurius').MercuriusDriver, autoSchemaFile: true });
}

/**
 * The GraphQL routes as a resolver built without TypeScript: `read` (a query returning the key
 * `n` as a string) and `write` (a mutation setting it). `param` is the parameter decorator that
 * gives the session (none for the no-session floor, whose resolvers do the same minus the
 * session); `get` and `set` reach the key through it.
 */
function defineResolver(param, get, set) {
  const graphql = stackRequire('@nestjs/graphql');
  class BenchResolver {}
  const proto = BenchResolver.prototype;
  proto.read = param ? (arg) => String(get(arg)) : () => String(counter);
  proto.write = param
    ? (arg) => {
        set(arg, ++counter);
        return true;
      }
    : () => {
        ++counter;
        return true;
      };
  if (param) for (const name of ['read', 'write']) param(proto, name, 0);
  graphql.Query(() => String, { nullable: true })(proto, 'read', Object.getOwnPropertyDescriptor(proto, 'read'));
  graphql.Mutation(() => Boolean)(proto, 'write', Object.getOwnPropertyDescriptor(proto, 'write'));
  graphql.Resolver()(BenchResolver);
  return BenchResolver;
}

/** The routes through express-session's `req.session` (a plain object). */
function expressSessionRoutes() {
  return {
    none: { handler: () => 'ok' },
    read: { params: [common.Req()], handler: (req) => String(req.session.n) },
    write: {
      params: [common.Req()],
      handler: (req) => {
        req.session.n = ++counter;
        return 'ok';
      },
    },
  };
}

function bareRoutes() {
  return { none: { handler: () => 'ok' }, read: { handler: () => 'ok' }, write: { handler: () => 'ok' } };
}

/**
 * The Redis client of the hand-written routes and of connect-redis: the same options as the
 * client nest-session's store creates for itself (autopipelining on), so every contender talks
 * to Redis the same way; for the plain-client contenders, `new Redis(options)` as apps write it.
 */
function redisClient() {
  const { Redis } = stackRequire('ioredis');
  if (contender.client === 'plain') return new Redis({ ...config.REDIS });
  return new Redis({ ...config.REDIS, lazyConnect: false, enableAutoPipelining: config.AUTOPIPELINING });
}

/** The limit: the least a session over Redis can do, written by hand. Unsigned ids, no data format. */
function rawRedisRoutes(platform) {
  const redis = redisClient();
  const prefix = config.PREFIXES.raw;
  const sid = (req) => /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie || '')?.[1];
  const setCookie = (res, id) => {
    const header = `sid=${id}; Path=/; HttpOnly; SameSite=Lax`;
    if (platform === 'fastify') res.header('set-cookie', header);
    else res.setHeader('set-cookie', header);
  };
  return {
    none: { handler: () => 'ok' },
    // One GET.
    read: {
      params: [common.Req()],
      handler: async (req) => {
        const id = sid(req);
        const value = id ? await redis.get(prefix + id) : null;
        return String(value === null ? undefined : JSON.parse(value).n);
      },
    },
    // GET plus SET for a visitor with a cookie; a new visitor has nothing to GET: SET only.
    write: {
      params: [common.Req(), common.Res({ passthrough: true })],
      handler: async (req, res) => {
        let id = sid(req);
        let data = {};
        if (id) {
          const value = await redis.get(prefix + id);
          if (value !== null) data = JSON.parse(value);
          else id = undefined;
        }
        id ??= randomBytes(32).toString('base64url');
        data.n = ++counter;
        await redis.set(prefix + id, JSON.stringify(data), 'PX', config.LIFETIME);
        setCookie(res, id);
        return 'ok';
      },
    },
  };
}

function connectRedisStore(prefix) {
  const RedisStore = stackRequire('connect-redis').default;
  return new RedisStore({ client: redisClient(), prefix });
}

/**
 * connect-pg-simple on a pg Pool of the same size as TypeORM's (pg's default, 10), its table made
 * here with the layout of its own table.sql (under names of its own, so it never meets a real
 * `session` table), dropped again when the process closes. Its defaults otherwise (touch on);
 * pruning off, as on the TypeORM contender.
 */
async function connectPgStore(session) {
  const pg = stackRequire('pg');
  const PgSession = stackRequire('connect-pg-simple')(session);
  const { host, port, username: user, database } = config.PG;
  const pool = new pg.Pool({ host, port, user, database, application_name: config.PG_APPLICATION });
  const table = config.PG_SIMPLE_TABLE;
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.query(`CREATE TABLE ${table} (sid varchar NOT NULL PRIMARY KEY, sess json NOT NULL, expire timestamp(6) NOT NULL)`);
  await pool.query(`CREATE INDEX ${table}_expire ON ${table} (expire)`);
  onClose = async () => {
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.end();
  };
  return new PgSession({ pool, tableName: table, pruneSessionInterval: false });
}

async function postgresDataSource() {
  const { DataSource } = stackRequire('typeorm');
  const dataSource = new DataSource({ type: 'postgres', ...config.PG, applicationName: config.PG_APPLICATION, synchronize: false, logging: false });
  await dataSource.initialize();
  return dataSource;
}

async function nestSessionStore(store) {
  switch (store) {
    case 'cookie':
      return undefined; // the default store
    case 'memory': {
      const MemorySessionStore = loadExport('MemorySessionStore');
      return new MemorySessionStore();
    }
    case 'redis': {
      const RedisSessionStore = loadExport('RedisSessionStore');
      // The README's wiring: your client; a plain one is pipelined through the store's duplicate.
      if (contender.client === 'plain') return new RedisSessionStore({ client: redisClient(), prefix: config.PREFIXES.nestSession });
      return new RedisSessionStore({ connection: { ...config.REDIS }, prefix: config.PREFIXES.nestSession });
    }
    case 'typeorm': {
      const TypeOrmSessionStore = loadExport('TypeOrmSessionStore');
      const sessionStore = new TypeOrmSessionStore({ dataSource: await postgresDataSource(), tableName: config.PG_TABLE, cleanupInterval: 0 });
      onPrune = () => sessionStore.prune();
      return sessionStore;
    }
  }
  throw new Error(`unknown store ${store}`);
}

/** A global interceptor that does nothing: what the required shape (a global interceptor) costs by itself. */
function noopInterceptorModule() {
  class NoopInterceptor {
    intercept(_context, next) {
      return next.handle();
    }
  }
  common.Injectable()(NoopInterceptor);
  class NoopInterceptorModule {}
  common.Module({ providers: [{ provide: APP_INTERCEPTOR, useClass: NoopInterceptor }] })(NoopInterceptorModule);
  return NoopInterceptorModule;
}

/** Bare routes plus one piece of nest-session's machinery (see PROBES in contenders.js). */
function probe(name) {
  const { AsyncLocalStorage } = require('node:async_hooks');
  const storage = new AsyncLocalStorage();
  class ProbeMiddleware {
    use(_req, _res, next) {
      if (name === 'middleware') next();
      else storage.run({}, next);
    }
  }
  common.Injectable()(ProbeMiddleware);
  class ProbeModule {
    configure(consumer) {
      if (name !== 'interceptor') consumer.apply(ProbeMiddleware).forRoutes({ path: '*path', method: common.RequestMethod.ALL });
    }
  }
  common.Module({ imports: name.includes('interceptor') ? [noopInterceptorModule()] : [] })(ProbeModule);
  return { imports: [ProbeModule], routes: bareRoutes() };
}

/**
 * The module, routes (or GraphQL resolvers) and platform plugins of the contender: `imports`,
 * `routes` for a controller, `resolvers`, and `setup(app)` run after the app is created.
 */
async function build() {
  const { kind, store, platform, graphql } = contender;
  switch (kind) {
    case 'nest-session': {
      const { SessionModule, Session, SessionEvents } = stackRequire('nest-session');
      const sessionStore = await nestSessionStore(store);
      const options = { secret: config.SECRET, store: sessionStore };
      if (contender.asyncContext !== undefined) options.asyncContext = contender.asyncContext;
      if (contender.csrf) options.csrf = true;
      // One listener, a counter, on the events the security part's routes fire.
      const setup = contender.listener
        ? (app) => {
            const events = app.get(SessionEvents);
            const listener = () => void counters.events++;
            events.on('session.created', listener);
            events.on('session.regenerated', listener);
          }
        : undefined;
      const imports = [SessionModule.forRoot(options)];
      if (graphql) {
        const resolver = defineResolver(
          Session(),
          (session) => session.get('n'),
          (session, value) => session.set('n', value),
        );
        return { imports: [...imports, graphqlModule(graphql)], resolvers: [resolver], setup };
      }
      return { imports, routes: nestSessionRoutes(Session()), setup };
    }
    case 'express-session': {
      const session = stackRequire('express-session');
      const options = { secret: config.SECRET, resave: false, saveUninitialized: false };
      if (store === 'redis') options.store = connectRedisStore(config.PREFIXES.connectRedis);
      if (store === 'pg') options.store = await connectPgStore(session);
      const setup = (app) => app.use(session(options));
      if (graphql) {
        // Apollo's context holds the Express request (Nest's driver puts it there as `req`).
        const resolver = defineResolver(
          stackRequire('@nestjs/graphql').Context('req'),
          (req) => req.session.n,
          (req, value) => (req.session.n = value),
        );
        return { imports: [graphqlModule(graphql)], resolvers: [resolver], setup };
      }
      return { routes: expressSessionRoutes(), setup };
    }
    case 'nestjs-session': {
      const { SessionModule } = stackRequire('nestjs-session');
      const options = { secret: config.SECRET, resave: false, saveUninitialized: false, store: connectRedisStore(config.PREFIXES.connectRedis) };
      return { imports: [SessionModule.forRoot({ session: options })], routes: expressSessionRoutes() };
    }
    case 'fastify-session': {
      // Library defaults except: cookie.secure off (plain HTTP on loopback; with it on, the
      // plugin never saves) and saveUninitialized off (as recommended, and as express-session).
      const options = { secret: config.SECRET, cookie: { secure: false }, saveUninitialized: false };
      if (store === 'redis') options.store = connectRedisStore(config.PREFIXES.fastifyRedis);
      const setup = async (app) => {
        await app.register(stackRequire('@fastify/cookie'));
        await app.register(stackRequire('@fastify/session'), options);
      };
      if (graphql) {
        // Mercurius' context holds the Fastify reply, and through it the request.
        const resolver = defineResolver(
          stackRequire('@nestjs/graphql').Context(),
          (context) => context.reply.request.session.get('n'),
          (context, value) => context.reply.request.session.set('n', value),
        );
        return { imports: [graphqlModule(graphql)], resolvers: [resolver], setup };
      }
      return { routes: sessionRoutes(common.Req(), (req) => req.session), setup };
    }
    case 'bare':
      if (graphql) return { imports: [graphqlModule(graphql)], resolvers: [defineResolver()] };
      return { routes: bareRoutes() };
    case 'probe':
      return probe(contender.probe);
    case 'raw-redis':
      return { routes: rawRedisRoutes(platform) };
    case 'interceptor':
      return { imports: [noopInterceptorModule()], routes: bareRoutes() };
    case 'interceptor-redis':
      return { imports: [noopInterceptorModule()], routes: rawRedisRoutes(platform) };
  }
  throw new Error(`unknown kind ${kind}`);
}

async function main() {
  const { imports = [], routes, resolvers = [], setup } = await build();
  const AppModule = defineModule({ imports, controllers: routes ? [defineController(routes)] : [], providers: resolvers });
  const logger = ['error', 'warn'];
  let app;
  if (contender.platform === 'fastify') {
    const { FastifyAdapter } = stackRequire('@nestjs/platform-fastify');
    app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger });
  } else {
    app = await NestFactory.create(AppModule, { logger });
  }
  if (setup) await setup(app);
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();

  process.on('message', async (message) => {
    try {
      if (message.type === 'stats') {
        const memory = process.memoryUsage();
        const cpu = process.cpuUsage();
        process.send({ type: 'stats', id: message.id, ...counters, cpuUs: cpu.user + cpu.system, rss: memory.rss, heapUsed: memory.heapUsed });
      } else if (message.type === 'profile-start') {
        // The CPU profile of a measured window only (tools/profile.js), through the inspector.
        const inspector = require('node:inspector');
        profiler = new inspector.Session();
        profiler.connect();
        const post = (method, params) => new Promise((resolve, reject) => profiler.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
        profiler.postAsync = post;
        await post('Profiler.enable');
        await post('Profiler.setSamplingInterval', { interval: message.intervalUs || 100 });
        await post('Profiler.start');
        process.send({ type: 'profile-start', id: message.id });
      } else if (message.type === 'profile-stop') {
        const { profile } = await profiler.postAsync('Profiler.stop');
        require('node:fs').writeFileSync(message.file, JSON.stringify(profile));
        profiler.disconnect();
        profiler = null;
        process.send({ type: 'profile-stop', id: message.id, file: message.file });
      } else if (message.type === 'prune') {
        if (!onPrune) throw new Error('this contender has no prune()');
        const started = process.hrtime.bigint();
        const deleted = await onPrune();
        process.send({ type: 'prune', id: message.id, deleted, ms: Number(process.hrtime.bigint() - started) / 1e6 });
      } else if (message.type === 'close') {
        await app.close();
        await onClose?.();
        process.exit(0);
      }
    } catch (error) {
      process.send({ type: 'error', id: message.id, message: String((error && error.stack) || error) });
    }
  });
  const versions = {
    node: process.versions.node,
    nest: installedVersion('@nestjs/core'),
    platform: installedVersion(contender.platform === 'fastify' ? 'fastify' : 'express'),
    stack: stack.name,
  };
  process.send({ type: 'ready', port, versions });
}

// The runner owns this process: when it goes, so does the server.
process.on('disconnect', () => process.exit(0));
main().catch((error) => {
  console.error(`[${contender.id}] failed to start: ${(error && error.stack) || error}`);
  if (process.send) process.send({ type: 'failed', message: String((error && error.message) || error) });
  process.exit(1);
});
