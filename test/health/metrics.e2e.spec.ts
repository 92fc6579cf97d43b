import * as promClient from 'prom-client';
import { MemorySessionStore, PromClientSessionMetrics, RedisSessionStore, SessionModule, type SessionMetrics, type SessionStore } from '../../lib';
import { DevicesController } from '../devices/devices-app';
import { Browser, createTestApp, PLATFORMS, SECRET, type TestApp } from '../e2e/app';
import { blackhole } from './health-app';

/** One sample of a metric from the registry, 0 when absent. */
async function sample(registry: promClient.Registry, name: string, labels: Record<string, string>): Promise<number> {
  // A histogram's _count and _sum samples are listed under the histogram's own name.
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name || name === `${m.name}_count`);
  const values = (metric?.values ?? []) as { labels: Record<string, string | number>; value: number; metricName?: string }[];
  const found = values.find((v) => (v.metricName ?? name) === name && Object.entries(labels).every(([k, value]) => String(v.labels[k]) === value));
  return found?.value ?? 0;
}

describe.each(PLATFORMS)('session metrics through prom-client on %s', (platform) => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(store: SessionStore | undefined, registry: promClient.Registry, storeTimeout = 2000): Promise<TestApp> {
    const metrics = new PromClientSessionMetrics(promClient, { registers: [registry] });
    app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store, storeTimeout, metrics, ...(store && { userKey: 'user' }) })], [DevicesController]);
    return app;
  }

  it('counts opens, saves and store calls with their latency on a server store', async () => {
    const registry = new promClient.Registry();
    const started = await start(new MemorySessionStore(), registry);
    const browser = new Browser(started.url);
    await browser.post('/login', { user: 'ann' }); // fresh open, one save
    await browser.post('/touch-cart'); // open from the store, one save
    await browser.get('/whoami'); // open, nothing to save
    expect(await sample(registry, 'nest_session_opened_total', { fresh: 'true' })).toBe(1);
    expect(await sample(registry, 'nest_session_opened_total', { fresh: 'false' })).toBe(2);
    expect(await sample(registry, 'nest_session_saved_total', { kind: 'store' })).toBe(2);
    // Two reads (the fresh session needed none) and two saves, each timed.
    expect(await sample(registry, 'nest_session_store_duration_seconds_count', { operation: 'get', outcome: 'ok' })).toBe(2);
    expect(await sample(registry, 'nest_session_store_duration_seconds_count', { operation: 'save', outcome: 'ok' })).toBe(2);
    expect(await sample(registry, 'nest_session_store_errors_total', { operation: 'get' })).toBe(0);
    expect(await registry.metrics()).toContain('nest_session_store_duration_seconds_bucket{le="0.001",operation="get",outcome="ok"}');
  });

  it('counts cookie saves', async () => {
    const registry = new promClient.Registry();
    const started = await start(undefined, registry);
    const browser = new Browser(started.url);
    await browser.post('/touch-cart');
    await browser.post('/touch-cart');
    expect(await sample(registry, 'nest_session_saved_total', { kind: 'cookie' })).toBe(2);
    expect(await sample(registry, 'nest_session_opened_total', { fresh: 'false' })).toBe(1);
  });

  it('counts store errors and the 503s they caused', async () => {
    const hole = await blackhole();
    try {
      const registry = new promClient.Registry();
      const started = await start(new RedisSessionStore({ connection: { host: '127.0.0.1', port: hole.port, connectTimeout: 10_000 } }), registry, 200);
      const browser = new Browser(started.url);
      // A fresh session needs no read; its first save hangs past storeTimeout: 503, nothing written.
      const reply = await browser.post('/login', { user: 'ann' });
      expect(reply.status).toBe(503);
      expect(await sample(registry, 'nest_session_unavailable_total', { operation: 'save' })).toBe(1);
      expect(await sample(registry, 'nest_session_store_errors_total', { operation: 'save' })).toBe(1);
      expect(await sample(registry, 'nest_session_store_duration_seconds_count', { operation: 'save', outcome: 'error' })).toBe(1);
    } finally {
      await hole.close();
    }
  });
});

describe.each(PLATFORMS)('a SessionMetrics listener of your own on %s', (platform) => {
  it('is called with plain events; only the methods it has', async () => {
    const events: unknown[] = [];
    const metrics: SessionMetrics = { opened: (event) => events.push(['opened', event]), unavailable: (event) => events.push(['unavailable', event]) };
    const app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store: new MemorySessionStore(), metrics })], [DevicesController]);
    try {
      const browser = new Browser(app.url);
      await browser.post('/touch-cart');
      await browser.get('/whoami');
      expect(events).toEqual([
        ['opened', { fresh: true }],
        ['opened', { fresh: false }],
      ]);
    } finally {
      await app.close();
    }
  });
});
