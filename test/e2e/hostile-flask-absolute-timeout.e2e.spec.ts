import { SessionModule } from '../../lib';
import { HostileDataController } from '../security/hostile-app';
import { Browser, createTestApp, PLATFORMS, SECRET, type TestApp } from './app';

const ABSOLUTE = 2000;

/**
 * The Flask format has no creation time; without one, every re-issued cookie restarted the
 * clock and `absoluteTimeout` never ended an active session. It now travels in `_nest_created`.
 */
describe.each(PLATFORMS)('absoluteTimeout with the Flask cookie format on %s', (platform) => {
  let app: TestApp;
  beforeAll(async () => {
    const module = SessionModule.forRoot({ secret: SECRET, cookieFormat: 'flask', permanent: true, absoluteTimeout: ABSOLUTE });
    app = await createTestApp(platform, [module], [HostileDataController]);
  });
  afterAll(() => app.close());

  it('ends a session read every 400 ms once it is older than the timeout, and hides the key', async () => {
    const browser = new Browser(app.url);
    await browser.post('/login');
    const started = Date.now();
    let endedAfter: number | undefined;
    while (Date.now() - started < ABSOLUTE + 2500) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      const reply = await browser.get('/whoami');
      if (reply.json.user === null) {
        endedAfter = Date.now() - started;
        break;
      }
      // Each response re-issues the cookie (permanent, refreshed each request): the clock of
      // the issue time restarts, the creation time must not.
      expect(reply.setCookies.length).toBeGreaterThan(0);
      expect(reply.json.keys).toEqual(['user']);
    }
    // Whole seconds on the wire: the session ends between ABSOLUTE - 1 s and ABSOLUTE + one poll.
    expect(endedAfter).toBeGreaterThanOrEqual(ABSOLUTE - 1000);
    expect(endedAfter).toBeLessThan(ABSOLUTE + 1500);
  }, 15000);
});
