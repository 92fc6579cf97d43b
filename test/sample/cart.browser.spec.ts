import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { describeWith } from '../setup/services';
import { CHROMIUM_ARGS } from './chromium';
import { SampleApp } from './sample-app';

const SCREENSHOT = resolve(__dirname, '../../test-output/cart.png');

/**
 * The sample shop (sample/, built to sample/dist) in Chromium: two users with their own carts,
 * kept across a reload and a restart of the app on its SQLite file, an HttpOnly SameSite=Lax
 * cookie, and a logout that empties the cart. The steps run in order and share the two browsers.
 */
describeWith(['chromium'])('sample shop in a real browser', () => {
  let app: SampleApp;
  let browser: Browser;
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    app = await SampleApp.create();
    await app.start();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    alice = await (await browser.newContext({ baseURL: app.url })).newPage();
    bob = await (await browser.newContext({ baseURL: app.url })).newPage();
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  it('gives two logged-in users each their own cart', async () => {
    await logIn(alice, 'alice');
    await logIn(bob, '<i>bob</i>');
    await addToCart(alice, 'Cast-iron teapot');
    await addToCart(bob, 'Stoneware mug');
    await addToCart(alice, 'Cast-iron teapot');
    await addToCart(alice, 'Sencha green tea');
    await addToCart(alice, 'Wildflower honey');
    await removeFromCart(alice, 'Sencha green tea');

    expect(await cartOf(alice)).toEqual({ 'Cast-iron teapot': 2, 'Wildflower honey': 1 });
    expect(await cartOf(bob)).toEqual({ 'Stoneware mug': 1 });
  });

  it('shows a username as text, never as markup', async () => {
    expect(await bob.locator('header .user strong').textContent()).toBe('<i>bob</i>');
    expect(await bob.locator('header i').count()).toBe(0);
  });

  it('keeps the cart across a reload', async () => {
    await alice.reload();
    expect(await cartRows(alice)).toEqual({ 'Cast-iron teapot': 2, 'Wildflower honey': 1 });
  });

  it('keeps both carts when the app restarts on the same SQLite file', async () => {
    await app.stop();
    expect(existsSync(join(app.dataDir, 'sessions.sqlite'))).toBe(true);
    await app.start();

    expect(await cartOf(alice)).toEqual({ 'Cast-iron teapot': 2, 'Wildflower honey': 1 });
    expect(await cartOf(bob)).toEqual({ 'Stoneware mug': 1 });
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await alice.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('hides the session cookie from scripts and sends it SameSite=Lax', async () => {
    const [cookie] = (await alice.context().cookies()).filter((c) => c.name === 'session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await alice.evaluate('document.cookie')).not.toContain('session=');
  });

  it('puts a CSRF token in every form and refuses a form post without one (403, cart unchanged)', async () => {
    for (const path of ['/', '/cart']) {
      await alice.goto(path);
      const forms = await alice.locator('form').count();
      expect(forms).toBeGreaterThan(0);
      expect(await alice.locator('form input[name=csrf_token]').count()).toBe(forms);
    }
    const refused = await alice.request.post('/cart/add', { form: { productId: 'teapot' }, maxRedirects: 0 });
    expect(refused.status()).toBe(403);
    expect(await refused.json()).toEqual({ statusCode: 403, message: 'invalid CSRF token' });
    expect(await cartOf(alice)).toEqual({ 'Cast-iron teapot': 2, 'Wildflower honey': 1 });
  });

  it('empties the cart on logout, in a new session', async () => {
    const before = await sessionCookie(alice);
    await alice.getByRole('button', { name: 'Log out' }).click();
    await flash(alice, 'You have been logged out.');
    expect(alice.url()).toBe(`${app.url}/login`);
    expect(await sessionCookie(alice)).not.toBe(before);

    await logIn(alice, 'alice');
    expect(await cartOf(alice)).toEqual({});
    expect(await alice.locator('.empty').textContent()).toContain('Your cart is empty');
    expect(await cartOf(bob)).toEqual({ 'Stoneware mug': 1 });
  });
});

async function logIn(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await page.fill('input[name=username]', username);
  await page.getByRole('button', { name: 'Log in' }).click();
  await flash(page, `Welcome, ${username}!`);
}

async function addToCart(page: Page, product: string): Promise<void> {
  await page.goto('/');
  await page.locator('article', { hasText: product }).getByRole('button', { name: 'Add to cart' }).click();
  await flash(page, `Added ${product} to your cart.`);
}

async function removeFromCart(page: Page, product: string): Promise<void> {
  await page.goto('/cart');
  await page.locator('tbody tr', { hasText: product }).getByRole('button', { name: 'Remove' }).click();
  await flash(page, `Removed ${product} from your cart.`);
}

/** Waits for a flash message: the page that follows the form's redirect has loaded. */
async function flash(page: Page, text: string): Promise<void> {
  await page.locator('.flash', { hasText: text }).waitFor({ timeout: 5000 });
}

/** Opens the cart page and reads it. */
async function cartOf(page: Page): Promise<Record<string, number>> {
  await page.goto('/cart');
  return cartRows(page);
}

/** Product name → quantity, as the cart page on screen shows them. */
async function cartRows(page: Page): Promise<Record<string, number>> {
  const cart: Record<string, number> = {};
  for (const row of await page.locator('table.cart tbody tr').all()) {
    cart[(await row.locator('th').textContent()) ?? ''] = Number(await row.locator('.quantity').textContent());
  }
  return cart;
}

async function sessionCookie(page: Page): Promise<string | undefined> {
  return (await page.context().cookies()).find((cookie) => cookie.name === 'session')?.value;
}
