import { RedisSessionStore, SessionModule, type SessionStore } from '../../lib';
import { Browser, createTestApp, PLATFORMS, SECRET, type TestApp } from '../e2e/app';
import { INDEXED_TARGETS } from '../devices/devices-app';
import { describeTarget } from '../stores/harnesses/registry';
import type { StoreHarness } from '../stores/store-contract';
import { blackhole, closedPort, HealthController, TERMINUS } from './health-app';

for (const target of INDEXED_TARGETS) {
  describeTarget(target)(`GET /health with the ${target.name} store`, () => {
    describe.each(PLATFORMS)('on %s', (platform) => {
      let harness: StoreHarness;
      let app: TestApp;

      beforeAll(async () => {
        harness = await target.open();
        app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store: harness.store }), TERMINUS], [HealthController]);
      }, 60000);
      afterAll(async () => {
        await app?.close();
        await harness?.cleanup();
      });

      it('reports the store up, by class name, with the round trip time', async () => {
        const reply = await new Browser(app.url).get('/health');
        expect(reply.status).toBe(200);
        expect(reply.json).toEqual({
          status: 'ok',
          info: { session_store: { status: 'up', store: harness.store.constructor.name, latencyMs: expect.any(Number) } },
          error: {},
          details: { session_store: { status: 'up', store: harness.store.constructor.name, latencyMs: expect.any(Number) } },
        });
        // A health check creates nothing: no cookie, no record.
        expect(reply.setCookies).toEqual([]);
      });
    });
  });
}

describe.each(PLATFORMS)('GET /health on %s', (platform) => {
  const apps: TestApp[] = [];
  const stores: SessionStore[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  async function start(store?: SessionStore, storeTimeout = 300): Promise<TestApp> {
    if (store) stores.push(store);
    const app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store, storeTimeout }), TERMINUS], [HealthController]);
    apps.push(app);
    return app;
  }

  it('reports the cookie store up without any round trip', async () => {
    const app = await start();
    const reply = await new Browser(app.url).get('/health');
    expect(reply.status).toBe(200);
    expect(reply.json.details).toEqual({ session_store: { status: 'up', store: 'cookie' } });
  });

  it('answers 503 within storeTimeout when the store hangs, and says no more than that', async () => {
    const hole = await blackhole();
    try {
      const app = await start(new RedisSessionStore({ connection: { host: '127.0.0.1', port: hole.port, connectTimeout: 10_000 } }), 300);
      const started = Date.now();
      const reply = await new Browser(app.url).get('/health');
      const took = Date.now() - started;
      expect(reply.status).toBe(503);
      expect(reply.json).toEqual({
        status: 'error',
        info: {},
        error: { session_store: { status: 'down', store: 'RedisSessionStore', message: 'the session store did not answer within 300 ms or failed' } },
        details: { session_store: { status: 'down', store: 'RedisSessionStore', message: 'the session store did not answer within 300 ms or failed' } },
      });
      expect(took).toBeGreaterThanOrEqual(290);
      expect(took).toBeLessThan(1000);
    } finally {
      await hole.close();
    }
  });

  it('answers 503 at once when the store refuses connections', async () => {
    const app = await start(new RedisSessionStore({ connection: { host: '127.0.0.1', port: await closedPort() } }), 2000);
    const started = Date.now();
    const reply = await new Browser(app.url).get('/health');
    expect(reply.status).toBe(503);
    expect(reply.json.error.session_store.status).toBe('down');
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
