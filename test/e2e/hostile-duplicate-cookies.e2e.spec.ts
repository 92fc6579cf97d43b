import { MemorySessionStore, SessionModule, type SessionModuleOptions } from '../../lib';
import { HostileDataController } from '../security/hostile-app';
import { Browser, createTestApp, PLATFORMS, SECRET, type TestApp } from './app';

/**
 * A flood of session cookies in one header: only the first three values are verified (browsers
 * send two for cookies of several paths), so the cost per request stays that of three HMACs.
 */
describe.each(PLATFORMS)('duplicate session cookies on %s', (platform) => {
  describe.each<[string, Partial<SessionModuleOptions>]>([
    ['the cookie store', {}],
    ['the memory store', { store: new MemorySessionStore() }],
  ])('with %s', (_name, options) => {
    let app: TestApp;
    let valid: string;

    beforeAll(async () => {
      app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, ...options })], [HostileDataController]);
      const browser = new Browser(app.url);
      await browser.post('/login');
      valid = browser.jar.get('session') as string;
    });
    afterAll(() => app.close());

    const whoami = (cookie: string) => new Browser(app.url).get('/whoami', { cookie });
    const junk = (n: number) => Array(n).fill('session=a.b.c').join(';');

    it('finds the valid cookie among the first three values, as browsers send them', async () => {
      expect((await whoami(`${junk(2)};session=${valid}`)).json.user).toBe('ada');
    });

    it('verifies no value past the third', async () => {
      const reply = await whoami(`${junk(3)};session=${valid}`);
      expect(reply.status).toBe(200);
      expect(reply.json.user).toBeNull();
    });

    it('answers 1,053 copies in one default-sized header with a fresh session', async () => {
      const reply = await whoami(`${junk(1053)};session=${valid}`);
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ user: null, keys: [] });
    });
  });
});
