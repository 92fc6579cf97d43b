import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { describeWith } from '../setup/services';
import { CHROMIUM_ARGS } from '../sample/chromium';
import { SampleApp } from '../sample/sample-app';

const SCREENSHOT = resolve(__dirname, '../../test-output/devices.png');

/**
 * The sample's "your devices" page in Chromium: one user signed in on a laptop and a phone (two
 * browser contexts with their own user agents), another user elsewhere. The page, reached from
 * the shop's header, lists the user's two sessions, marks this one, logs the other one out, and
 * never shows a session id or cookie value.
 */
describeWith(['chromium'])('the sample devices page in a real browser', () => {
  let app: SampleApp;
  let browser: Browser;
  let laptop: BrowserContext;
  let phone: BrowserContext;
  let stranger: BrowserContext;

  beforeAll(async () => {
    app = await SampleApp.create();
    await app.start();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    laptop = await browser.newContext({ baseURL: app.url, userAgent: 'Laptop Chromium' });
    phone = await browser.newContext({ baseURL: app.url, userAgent: 'Phone Chromium' });
    stranger = await browser.newContext({ baseURL: app.url, userAgent: 'Stranger Chromium' });
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  it('lists the two sessions of the user from the shop link, marks this one, and shows no session id', async () => {
    const [onLaptop, onPhone] = [await logIn(laptop, 'alice'), await logIn(phone, 'alice')];
    await logIn(stranger, 'mallory');
    await onLaptop.goto('/');
    await onLaptop.getByRole('link', { name: 'Your devices' }).click();
    expect(new URL(onLaptop.url()).pathname).toBe('/devices');
    const rows = onLaptop.locator('tr.device');
    expect(await rows.count()).toBe(2);
    expect(await onLaptop.locator('tr.device.current th').textContent()).toContain('Laptop Chromium');
    expect(await onLaptop.locator('tr.device.current .this-device').textContent()).toBe('This device');
    expect(await onLaptop.locator('tr.device:not(.current) th').textContent()).toContain('Phone Chromium');
    // Every form of the page (logout, revoke, revoke-others) carries the session's CSRF token.
    expect(await onLaptop.locator('form').count()).toBe(3);
    expect(await onLaptop.locator('form input[name=csrf_token]').count()).toBe(3);
    const page = await onLaptop.content();
    expect(page).not.toContain('Stranger Chromium');
    for (const context of [laptop, phone, stranger]) {
      for (const cookie of await context.cookies()) {
        expect(page).not.toContain(cookie.value);
        expect(page).not.toContain(cookie.value.split('.')[0]);
      }
    }
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await onLaptop.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    await onPhone.close();
  });

  it('logs the other device out, which then lands on the login page', async () => {
    const onLaptop = await laptop.newPage();
    await onLaptop.goto('/devices');
    await onLaptop.locator('tr.device:not(.current)').getByRole('button', { name: 'Log out' }).click();
    expect(await onLaptop.locator('.flash.info').textContent()).toBe('That device has been logged out.');
    expect(await onLaptop.locator('tr.device').count()).toBe(1);
    const onPhone = await phone.newPage();
    await onPhone.goto('/');
    expect(new URL(onPhone.url()).pathname).toBe('/login');
    // The laptop is still signed in.
    await onLaptop.goto('/');
    expect(await onLaptop.locator('header .user strong').textContent()).toBe('alice');
  });

  it("answers 404 for another user's handle or garbage, and logs nobody out", async () => {
    const onPhone = await logIn(phone, 'alice');
    const onLaptop = await laptop.newPage();
    await onLaptop.goto('/devices');
    const phoneHandle = (await onLaptop.locator('tr.device:not(.current) input[name=handle]').getAttribute('value')) as string;
    expect(phoneHandle).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const onStranger = await stranger.newPage();
    await onStranger.goto('/devices');
    // The stranger's own CSRF token, from their page: the check passes, the handle is what is refused.
    const csrf = (await onStranger.locator('input[name=csrf_token]').first().getAttribute('value')) as string;
    for (const handle of [phoneHandle, 'garbage', '']) {
      const reply = await onStranger.request.post('/devices/revoke', { form: { handle, csrf_token: csrf }, maxRedirects: 0 });
      expect(reply.status()).toBe(404);
    }
    // Without the token, the CSRF check refuses before anything else.
    expect((await onStranger.request.post('/devices/revoke', { form: { handle: phoneHandle }, maxRedirects: 0 })).status()).toBe(403);
    await onPhone.goto('/');
    expect(await onPhone.locator('header .user strong').textContent()).toBe('alice');
    await onStranger.goto('/');
    expect(await onStranger.locator('header .user strong').textContent()).toBe('mallory');
  });

  it('serves GET /health with the session store up', async () => {
    const reply = await (await laptop.newPage()).request.get('/health');
    expect(reply.status()).toBe(200);
    expect(await reply.json()).toMatchObject({ status: 'ok', details: { session_store: { status: 'up', store: 'TypeOrmSessionStore' } } });
  });
});

async function logIn(context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/login');
  await page.fill('input[name=username]', username);
  await page.getByRole('button', { name: 'Log in' }).click();
  return page;
}
