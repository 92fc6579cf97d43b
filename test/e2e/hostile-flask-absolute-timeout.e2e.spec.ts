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
    const loginSent = Date.now();
    await browser.post('/login');
    const started = Date.now();
    // Bounds from the client's clock around each request, so that a slow response (a loaded
    // machine) cannot fail them: the session was created between `loginSent` and `started`,
    // and its creation time travels in whole seconds (up to 1 s earlier than it was).
    let endedAfter: number | undefined;
    while (endedAfter === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      const sent = Date.now();
      const reply = await browser.get('/whoami');
      if (reply.json.user === null) {
        // Ended: the server saw it at least ABSOLUTE old, counted from a second-rounded creation.
        endedAfter = Date.now() - loginSent;
        break;
      }
      // Alive: the server saw it younger than ABSOLUTE, so the request left before that age.
      expect(sent - started).toBeLessThanOrEqual(ABSOLUTE);
      // Each response re-issues the cookie (permanent, refreshed each request): the clock of
      // the issue time restarts, the creation time must not.
      expect(reply.setCookies.length).toBeGreaterThan(0);
      expect(reply.json.keys).toEqual(['user']);
    }
    expect(endedAfter).toBeGreaterThanOrEqual(ABSOLUTE - 1000);
  }, 15000);
});
