import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, Logger } from 'typeorm';
import { RedisSessionStore, type SessionWrite, TypeOrmSessionStore } from '../../lib';
import { describeWithPostgresBinaries, type PostgresServer, startPostgres } from '../setup/postgres-server';
import { cli, startServer, stopServers } from '../setup/redis-topology';
import { describeWith } from '../setup/services';
import { cpuMicros, findProcess, processTree } from './fleet/process-cpu';
import { sessionDataSource } from './fleet/store-spec';

/**
 * What one session operation costs the store server, measured on private servers (nothing else
 * talks to them): Redis server CPU per read, write, touch and login (INFO commandstats, and the
 * whole process's CPU from /proc, which adds network and protocol work), PostgreSQL statements
 * and backend CPU per operation. The capacity model in docs/operations.md is built from these figures.
 */
/** Operations per measurement; `CAPACITY_OPS` raises it for the figures of docs/operations.md (CPU from /proc has 10 ms ticks). */
const OPS = Number(process.env.CAPACITY_OPS ?? 4000);
const CONCURRENCY = 32;
const TTL = 31 * 24 * 3600 * 1000;
/**
 * Commands a client sends. Redis 7 also counts the commands a Lua script runs under their own
 * names (and inside the script's own usec), so only these are summed: none of them runs in a script.
 */
const CLIENT_COMMANDS = new Set(['evalsha', 'eval', 'hgetall', 'zrem', 'zrangebyscore']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A typical session: a user id, a CSRF token, a few small values (about 200 bytes). */
const sessionData = () => ({ uid: 'u' + randomBytes(4).toString('hex'), csrf: randomBytes(24).toString('base64url'), cart: ['sku-1', 'sku-2'], theme: 'dark', visits: 3 });
const newId = () => randomBytes(32).toString('base64url');
const write = (create: boolean, set: Record<string, unknown>, userId?: string): SessionWrite => {
  const now = Date.now();
  return { create, set: set as SessionWrite['set'], unset: [], createdAt: now, touchedAt: now, ttl: TTL, userId };
};

/** Runs `op` on every id, `CONCURRENCY` at a time, as a fleet of app processes would. */
async function runAll(ids: string[], op: (id: string) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ids.length) await op(ids[next++]);
    }),
  );
}

interface Cost {
  op: string;
  /** Commands sent per operation, i.e. round trips (commandstats calls / operations). */
  calls: number;
  /** Redis command CPU per operation, µs (commandstats usec / operations; a script's usec covers the commands it runs). */
  commandUs: number;
  /** Whole redis-server CPU per operation, µs (/proc utime + stime / operations). */
  processUs: number;
}

describeWith(['redis-server'])('Capacity: Redis server cost per session operation', () => {
  const port = 17540;
  let dir: string;
  let store: RedisSessionStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nest-session-scale-capacity-'));
    await startServer(port, dir);
    store = new RedisSessionStore({ connection: { host: '127.0.0.1', port }, prefix: 'cap:' });
  }, 30000);
  afterAll(async () => {
    await store?.close();
    await stopServers([port]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('costs one command per read, write and touch, and states the server CPU of each', async () => {
    const pid = Number(/process_id:(\d+)/.exec(await cli(port, 'info', 'server'))?.[1]);
    const ids = Array.from({ length: OPS }, newId);
    // A fresh server loads each script on its first use (EVALSHA answered NOSCRIPT, then EVAL),
    // once for every call in flight then: load them here, so that the counts are the steady state's.
    const warm = newId();
    await store.save(warm, write(true, sessionData(), 'warm-up'));
    await store.touch(warm, Date.now(), TTL);
    const measure = async (op: string, run: (id: string) => Promise<unknown>): Promise<Cost> => {
      await cli(port, 'config', 'resetstat');
      const cpu = cpuMicros(pid);
      await runAll(ids, run);
      await sleep(50);
      const processUs = (cpuMicros(pid) - cpu) / OPS;
      const stats = [...(await cli(port, 'info', 'commandstats')).matchAll(/cmdstat_(\w+):calls=(\d+),usec=(\d+)/g)].filter(([, name]) => CLIENT_COMMANDS.has(name));
      const calls = stats.reduce((sum, [, , n]) => sum + Number(n), 0) / OPS;
      const commandUs = stats.reduce((sum, [, , , us]) => sum + Number(us), 0) / OPS;
      return { op, calls, commandUs, processUs };
    };
    const costs = [
      await measure('login (new session + user index)', (id) => store.save(id, write(true, sessionData(), `user-${id.slice(0, 6)}`))),
      await measure('read', (id) => store.get(id)),
      await measure('write (one key changed)', (id) => store.save(id, write(false, { cart: ['sku-3'] }))),
      await measure('touch', (id) => store.touch(id, Date.now(), TTL)),
    ];
    // eslint-disable-next-line no-console
    console.log(
      `Redis cost per operation (${OPS} ops, ${CONCURRENCY} concurrent):\n${costs.map((c) => `  ${c.op}: ${c.calls.toFixed(2)} commands, ${c.commandUs.toFixed(1)} µs in commands, ${c.processUs.toFixed(1)} µs redis-server CPU → ${Math.round(1e6 / Math.max(c.processUs, c.commandUs))} ops/s per core`).join('\n')}`,
    );
    const [login, read, save, touch] = costs;
    // One round trip each (HGETALL or a Lua script); a touch now and then first extends the
    // owner's index entry; a login (a new session with a user) indexes it, then saves it (2 round trips).
    expect(read.calls).toBeCloseTo(1, 2);
    expect(save.calls).toBeLessThanOrEqual(1.01);
    expect(touch.calls).toBeLessThanOrEqual(1.05);
    expect(login.calls).toBeCloseTo(2, 2);
    for (const cost of costs) expect(cost.commandUs).toBeGreaterThan(0);
  }, 120000);
});

/** Counts the statements a DataSource runs. */
class StatementCounter implements Logger {
  count = 0;
  logQuery(): void {
    this.count++;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

describeWithPostgresBinaries()('Capacity: PostgreSQL cost per session operation', () => {
  let server: PostgresServer;
  let dataSource: DataSource;
  let store: TypeOrmSessionStore;
  const counter = new StatementCounter();

  beforeAll(async () => {
    server = await startPostgres(17531);
    const spec = { kind: 'typeorm', type: 'postgres', host: '127.0.0.1', port: server.port, username: 'postgres', database: 'postgres', tableName: 'capacity_sessions' } as const;
    dataSource = sessionDataSource(spec, true);
    await dataSource.initialize();
    dataSource.setOptions({ logger: counter, logging: true });
    store = new TypeOrmSessionStore({ dataSource, tableName: spec.tableName, cleanupInterval: 0 });
  }, 120000);
  afterAll(async () => {
    await store?.close();
    await dataSource?.destroy().catch(() => undefined);
    await server?.cleanup();
  }, 60000);

  it('states statements, backend CPU and latency per read, write and touch', async () => {
    const postmaster = findProcess('postgres', `-p ${server.port}`);
    expect(postmaster).toBeDefined();
    // Fewer than for Redis: each costs ~20x more, and 400 still gives 100+ ms of CPU to measure.
    const n = OPS / 10;
    const ids = Array.from({ length: n }, newId);
    const measure = async (op: string, run: (id: string) => Promise<unknown>) => {
      const tree = processTree(postmaster as number);
      const cpu = tree.reduce((sum, pid) => sum + cpuMicros(pid), 0);
      counter.count = 0;
      const started = performance.now();
      await runAll(ids, run);
      const ms = performance.now() - started;
      const serverUs = (processTree(postmaster as number).reduce((sum, pid) => sum + cpuMicros(pid), 0) - cpu) / n;
      return { op, statements: counter.count / n, serverUs, opsPerSecond: Math.round((n * 1000) / ms) };
    };
    const costs = [
      await measure('login (new session)', (id) => store.save(id, write(true, sessionData(), `user-${id.slice(0, 6)}`))),
      await measure('read', (id) => store.get(id)),
      await measure('write (one key changed)', (id) => store.save(id, write(false, { cart: ['sku-3'] }))),
      await measure('touch', (id) => store.touch(id, Date.now(), TTL)),
    ];
    // eslint-disable-next-line no-console
    console.log(
      `PostgreSQL cost per operation (${n} ops, ${CONCURRENCY} concurrent, fsync off):\n${costs.map((c) => `  ${c.op}: ${c.statements.toFixed(2)} statements, ${c.serverUs.toFixed(0)} µs backend CPU → ${Math.round(1e6 / c.serverUs)} ops/s per core; measured ${c.opsPerSecond} ops/s here`).join('\n')}`,
    );
    // One statement each on PostgreSQL: the read; the create as one INSERT; the merge of a write
    // and the touch as one UPDATE each, whose lock waits are bounded inside the statement.
    for (const cost of costs) expect(cost.statements, cost.op).toBe(1);
  }, 120000);
});
