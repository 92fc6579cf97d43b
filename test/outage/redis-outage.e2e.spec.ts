import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisSessionStore } from '../../lib';
import { PLATFORMS, TestApp } from '../e2e/app';
import { freePort } from '../setup/postgres-server';
import { startServer, stopServers } from '../setup/redis-topology';
import { describeWith } from '../setup/services';
import { outageApps } from './outage-helpers';
import { storeOutageUnderLoad } from './outage-under-load';

/** Every acknowledged write is on disk before Redis answers, so a restart keeps it. */
const DURABLE = ['--appendonly', 'yes', '--appendfsync', 'always'];

describeWith(['redis-server'])('Redis stops and restarts under load, through SessionModule over HTTP', () => {
  describe.each(PLATFORMS)('on %s', (platform) => {
    let dir: string;
    let port: number;
    let app: TestApp;
    let empty: TestApp;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'nest-session-redis-e2e-outage-'));
      port = await freePort();
      await startServer(port, dir, ...DURABLE);
      const store = () => new RedisSessionStore({ connection: { host: '127.0.0.1', port }, prefix: 'outage:' });
      ({ app, empty } = await outageApps(platform, store(), store()));
    });
    afterAll(async () => {
      await app?.close();
      await empty?.close();
      if (port) await stopServers([port]);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('answers 2xx or a fast 503 while Redis goes down, recovers by itself, and loses no acknowledged write', async () => {
      await storeOutageUnderLoad(
        platform,
        { app, empty },
        {
          store: 'Redis',
          stop: () => stopServers([port]),
          // On the same dir and append-only file: the apps' clients reconnect by themselves.
          start: () => startServer(port, dir, ...DURABLE),
          startedWhen: 'redis-server answered PING',
        },
      );
    });
  });
});
