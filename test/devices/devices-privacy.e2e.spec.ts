import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { MemorySessionStore, Session, SessionEvents, SessionModule, SessionOptionsError, type SessionModuleOptions } from '../../lib';
import { resolveOptions } from '../../lib/utils/resolve-options';
import { Browser, createTestApp, PLATFORMS, SECRET, type TestApp } from '../e2e/app';
import { DevicesController, idOf } from './devices-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@Controller()
class ForgetUserController {
  @Post('forget-user')
  @HttpCode(200)
  forget(@Session() session: Session) {
    session.delete('user');
    session.set('theme', 'dark');
    return { ok: true };
  }

  @Get('noop')
  noop(@Session() session: Session) {
    return { user: session.get('user') ?? null };
  }
}

async function start(platform: (typeof PLATFORMS)[number], options: Partial<SessionModuleOptions>): Promise<{ app: TestApp; store: MemorySessionStore }> {
  const store = new MemorySessionStore();
  const app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store, userKey: 'user', ...options })], [DevicesController, ForgetUserController]);
  return { app, store };
}

describe.each(PLATFORMS)('device details and privacy on %s', (platform) => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('reports each revoked device as session.destroyed, with its user', async () => {
    const started = await start(platform, {});
    app = started.app;
    const destroyed: unknown[] = [];
    app.app.get(SessionEvents).on('session.destroyed', (event) => {
      destroyed.push(event);
    });
    const [a, b, c] = [new Browser(app.url), new Browser(app.url), new Browser(app.url)];
    for (const browser of [a, b, c]) await browser.post('/login', { user: 'ann' });
    const handle = ((await a.get('/devices')).json as { handle: string; current: boolean }[]).find((d) => !d.current)?.handle;
    await a.post('/devices/revoke', { handle });
    expect(destroyed).toHaveLength(1);
    await a.post('/devices/revoke-others');
    expect(destroyed).toHaveLength(2);
    expect(new Set(destroyed.map((event) => (event as { sessionId: string }).sessionId))).toEqual(new Set([idOf(b), idOf(c)]));
    expect(destroyed.every((event) => (event as { userId: string }).userId === 'ann')).toBe(true);
  });

  it('stores no user agent or address unless turned on', async () => {
    const started = await start(platform, {});
    app = started.app;
    const browser = new Browser(app.url);
    await browser.request('POST', '/login', { body: { user: 'ann' }, headers: { 'user-agent': 'Secret Agent' } });
    expect((await started.store.get(idOf(browser) as string))?.data).toEqual({ user: 'ann' });
    const [device] = (await browser.get('/devices')).json;
    expect(Object.keys(device).sort()).toEqual(['createdAt', 'current', 'handle', 'lastSeenAt']);
  });

  it('drops the details when the session loses its user without being destroyed', async () => {
    const started = await start(platform, { devices: { userAgent: true } });
    app = started.app;
    const browser = new Browser(app.url);
    await browser.request('POST', '/login', { body: { user: 'ann' }, headers: { 'user-agent': 'UA' } });
    const id = idOf(browser) as string;
    expect((await started.store.get(id))?.data).toEqual({ user: 'ann', _nest_device: { ua: 'UA' } });
    await browser.post('/forget-user');
    expect((await started.store.get(id))?.data).toEqual({ theme: 'dark' });
  });

  it.each([
    [{ lastSeenInterval: 20 }, true],
    [{ lastSeenInterval: 0 }, false],
    [false, false],
  ] as const)('with devices %j, a read past 20 ms renews last-seen: %s', async (devices, renews) => {
    const started = await start(platform, { devices });
    app = started.app;
    const browser = new Browser(app.url);
    await browser.post('/login', { user: 'ann' });
    const id = idOf(browser) as string;
    const saved = (await started.store.get(id))?.touchedAt as number;
    await sleep(40);
    await browser.get('/noop');
    const seen = (await started.store.get(id))?.touchedAt as number;
    expect(seen > saved).toBe(renews);
    expect(((await browser.get('/devices')).json as unknown[]).length).toBe(1);
  });
});

describe('devices options', () => {
  const base = { secret: SECRET, store: new MemorySessionStore() };

  it('refuses details without userKey, unknown keys and bad values, naming the option', () => {
    expect(() => resolveOptions({ ...base, devices: { userAgent: true } })).toThrow(/devices option needs userKey/);
    expect(() => resolveOptions({ ...base, userKey: 'u', devices: { userAgnet: true } as never })).toThrow(SessionOptionsError);
    expect(() => resolveOptions({ ...base, userKey: 'u', devices: { lastSeenInterval: -1 } })).toThrow(/devices\.lastSeenInterval/);
    expect(() => resolveOptions({ ...base, userKey: 'u', devices: { address: 'yes' as never } })).toThrow(/devices\.address/);
  });

  it('defaults to last-seen every 5 minutes and no personal details', () => {
    expect(resolveOptions({ ...base, userKey: 'u' }).devices).toEqual({ lastSeenInterval: 300_000, userAgent: false, address: false, maxLength: 256 });
    expect(resolveOptions({ ...base, userKey: 'u', devices: false }).devices).toBeNull();
    expect(resolveOptions({ ...base }).devices).toBeNull();
  });
});
