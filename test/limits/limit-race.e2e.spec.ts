import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { SessionStore } from '../../lib';
import { Browser } from '../e2e/app';
import type { StoreHarness } from '../stores/store-contract';
import { openFileStore } from '../stores/harnesses/file.harness';
import { openMemcached } from '../stores/harnesses/memcached.harness';
import { openMongo } from '../stores/harnesses/mongo.harness';
import { openRedisStandalone } from '../stores/harnesses/redis.harness';
import { openMariaDb, openPostgres, openSqlite } from '../stores/harnesses/typeorm.harness';
import { describeWith, type ServiceName } from '../setup/services';
import type { LimitAppSpec, LimitStoreSpec } from './limit-app.main';
import { stopChild } from '../setup/stop-child';

const ROOT = resolve(__dirname, '../..');
const SECRET = 'limit-race-secret-that-is-at-least-32-characters';
const MAX = 2;
const USERS = 12;
const LOGINS = 8;

interface Target {
  name: string;
  services: ServiceName[];
  open(): Promise<{ harness: StoreHarness; spec: LimitStoreSpec }>;
}

const TARGETS: Target[] = [
  {
    name: 'Redis',
    services: ['redis'],
    open: async () => {
      const harness = await openRedisStandalone();
      return { harness, spec: { kind: 'redis', host: '127.0.0.1', port: 6379, prefix: harness.prefix } };
    },
  },
  {
    name: 'PostgreSQL',
    services: ['postgres'],
    open: async () => {
      const harness = await openPostgres();
      return { harness, spec: { kind: 'typeorm', type: 'postgres', host: '127.0.0.1', port: 5432, username: 'postgres', database: 'test', tableName: harness.tableName } };
    },
  },
  {
    name: 'MariaDB',
    services: ['mariadb'],
    open: async () => {
      const harness = await openMariaDb();
      return { harness, spec: { kind: 'typeorm', type: 'mariadb', host: '127.0.0.1', port: 3306, username: 'root', database: 'test', tableName: harness.tableName } };
    },
  },
  {
    name: 'SQLite (one file, two processes)',
    services: [],
    open: async () => {
      const harness = await openSqlite();
      const database = (harness.dataSource.options as { database: string }).database;
      return { harness, spec: { kind: 'sqlite', database, tableName: harness.tableName } };
    },
  },
  {
    name: 'files',
    services: [],
    open: async () => {
      const harness = await openFileStore();
      return { harness, spec: { kind: 'file', directory: harness.directory } };
    },
  },
  {
    name: 'memcached',
    services: ['memcached'],
    open: async () => {
      const harness = await openMemcached();
      return { harness, spec: { kind: 'memcached', prefix: harness.prefix } };
    },
  },
  {
    name: 'MongoDB (wire-protocol test server)',
    services: [],
    open: async () => {
      const harness = await openMongo();
      return { harness, spec: { kind: 'mongo', url: harness.server.url, dbName: harness.raw.dbName } };
    },
  },
];

/** An app process serving one app per spec; resolves with their URLs once all listen. */
function startProcess(platform: 'express' | 'fastify', apps: LimitAppSpec[]): Promise<{ child: ChildProcessWithoutNullStreams; urls: string[] }> {
  const child = spawn(process.execPath, ['-r', join(ROOT, 'test/scale/fleet/register-swc.js'), join(__dirname, 'limit-app.main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PLATFORM: platform, SECRET, MAX: String(MAX), APPS: JSON.stringify(apps) },
  });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const urls = [...out.matchAll(/^ready (\S+)$/gm)].map((m) => m[1]);
      if (urls.length === apps.length) resolvePromise({ child, urls });
    });
    child.once('exit', (code) => reject(new Error(`limit app exited with ${code}\n${err}`)));
  });
}

/** Logs `user` in LOGINS times at once, alternating between the two processes' apps. */
async function race(urls: [string, string], user: string): Promise<number[]> {
  const replies = await Promise.all(Array.from({ length: LOGINS }, (_, i) => new Browser(urls[i % 2]).post('/login', { user })));
  return replies.map((reply) => reply.status);
}

for (const target of TARGETS) {
  describeWith(target.services)(`maxSessionsPerUser across two app processes on ${target.name}`, () => {
    let harness: StoreHarness;
    let store: SessionStore;
    let a: ChildProcessWithoutNullStreams | undefined;
    let b: ChildProcessWithoutNullStreams | undefined;
    let refuse: [string, string];
    let evict: [string, string];

    beforeAll(async () => {
      const opened = await target.open();
      harness = opened.harness;
      store = harness.store;
      const apps: LimitAppSpec[] = [
        { store: opened.spec, onLimit: 'refuse' },
        { store: opened.spec, onLimit: 'evict-oldest' },
      ];
      const [first, second] = await Promise.all([startProcess('express', apps), startProcess('fastify', apps)]);
      [a, b] = [first.child, second.child];
      refuse = [first.urls[0], second.urls[0]];
      evict = [first.urls[1], second.urls[1]];
    }, 90000);
    afterAll(async () => {
      await Promise.all([stopChild(a), stopChild(b)]);
      await harness?.cleanup();
    });

    it(`'refuse': of ${LOGINS} simultaneous logins per user, exactly ${MAX} succeed and ${MAX} sessions exist`, async () => {
      for (let n = 0; n < USERS; n++) {
        const user = `refuse-${n}`;
        const statuses = await race(refuse, user);
        expect(statuses.filter((s) => s === 200)).toHaveLength(MAX);
        expect(statuses.filter((s) => s === 409)).toHaveLength(LOGINS - MAX);
        expect(await store.findByUser?.(user)).toHaveLength(MAX);
      }
    }, 60000);

    it(`'evict-oldest': every login succeeds and the user is left with ${MAX} sessions`, async () => {
      for (let n = 0; n < USERS; n++) {
        const user = `evict-${n}`;
        expect(await race(evict, user)).toEqual(Array(LOGINS).fill(200));
        expect(await store.findByUser?.(user)).toHaveLength(MAX);
      }
    }, 60000);
  });
}
