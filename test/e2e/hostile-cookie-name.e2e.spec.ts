import { SessionModule, type CookieFormat } from '../../lib';
import { HostileDataController } from '../security/hostile-app';
import { Browser, createTestApp, PLATFORMS, SECRET, type TestApp } from './app';

/**
 * Two apps that share a secret under different cookie names: the name is part of the key, so a
 * cookie from one is refused by the other. Flask's format keeps Flask's key, as Flask does.
 */
describe.each(PLATFORMS)('cookies bound to their name on %s', (platform) => {
  describe.each<[CookieFormat, boolean]>([
    ['signed', false],
    ['encrypted', false],
    ['flask', true],
  ])('with the %s format', (cookieFormat, sharedLikeFlask) => {
    let shop: TestApp;
    let admin: TestApp;
    beforeAll(async () => {
      const app = (name: string) => createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, cookieFormat, cookie: { name } })], [HostileDataController]);
      [shop, admin] = await Promise.all([app('shop_session'), app('admin_session')]);
    });
    afterAll(() => Promise.all([shop.close(), admin.close()]));

    it(sharedLikeFlask ? "accepts the other app's cookie, as Flask does" : "refuses the other app's cookie", async () => {
      const browser = new Browser(shop.url);
      await browser.post('/login');
      const value = browser.jar.get('shop_session') as string;
      expect((await new Browser(shop.url).get('/whoami', { cookie: `shop_session=${value}` })).json.user).toBe('ada');
      const replayed = await new Browser(admin.url).get('/whoami', { cookie: `admin_session=${value}` });
      expect(replayed.status).toBe(200);
      expect(replayed.json.user).toBe(sharedLikeFlask ? 'ada' : null);
    });
  });
});
