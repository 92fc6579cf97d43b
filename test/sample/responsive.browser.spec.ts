import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { describeWith } from '../setup/services';
import { CHROMIUM_ARGS } from './chromium';
import { SampleApp } from './sample-app';

const OUTPUT = resolve(__dirname, '../../test-output');

/**
 * The sample shop at a phone's and a tablet's width: nothing scrolls sideways, every control is
 * on screen and reachable, the text is not shrunk. A screenshot of each page at each width is
 * kept in test-output/ to look at.
 */
describeWith(['chromium'])('sample shop on small screens', () => {
  let app: SampleApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await SampleApp.create();
    await app.start();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    mkdirSync(OUTPUT, { recursive: true });
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  for (const width of [375, 768]) {
    describe(`${width} px wide`, () => {
      let page: Page;

      beforeAll(async () => {
        const context = await browser.newContext({ baseURL: app.url, viewport: { width, height: 740 }, isMobile: width < 500, hasTouch: width < 500 });
        page = await context.newPage();
        await page.goto('/login');
        await page.fill('input[name=username]', `a-rather-long-username-${width}`);
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.locator('.flash', { hasText: 'Welcome' }).waitFor({ timeout: 5000 });
      });

      it('shows the products with no sideways scroll, log out and every add button on screen', async () => {
        await page.goto('/');
        await expectNoSidewaysScroll(page, width);
        await expectOnScreen(page, page.getByRole('button', { name: 'Log out' }), width);
        const adds = await page.getByRole('button', { name: 'Add to cart' }).all();
        expect(adds.length).toBeGreaterThan(1);
        for (const add of adds) await expectOnScreen(page, add, width);
        await expectReadableText(page);
        await page.screenshot({ path: resolve(OUTPUT, `sample-products-${width}.png`), fullPage: true });
      });

      it('shows the cart with no sideways scroll and its remove buttons on screen', async () => {
        await page.goto('/');
        await page.getByRole('button', { name: 'Add to cart' }).first().click();
        await page.locator('.flash', { hasText: 'Added' }).waitFor({ timeout: 5000 });
        await page.goto('/cart');
        await expectNoSidewaysScroll(page, width);
        await expectOnScreen(page, page.getByRole('button', { name: 'Remove' }).first(), width);
        await expectOnScreen(page, page.getByRole('button', { name: 'Log out' }), width);
        await page.screenshot({ path: resolve(OUTPUT, `sample-cart-${width}.png`), fullPage: true });
      });
    });
  }
});

async function expectNoSidewaysScroll(page: Page, width: number): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate<{ scrollWidth: number; innerWidth: number }>(
    '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
  );
  expect(innerWidth).toBe(width);
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

/** Inside the viewport's width once scrolled into view, and the topmost element at its centre (nothing covers it). */
async function expectOnScreen(page: Page, locator: ReturnType<Page['locator']>, width: number): Promise<void> {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
  expect(box!.height).toBeGreaterThanOrEqual(24);
  const [x, y] = [box!.x + box!.width / 2, box!.y + box!.height / 2];
  const hit = await page.evaluate<string | null>(`document.elementFromPoint(${x}, ${y})?.closest('button')?.textContent ?? null`);
  expect(hit).toBe(await locator.textContent());
}

/** The viewport meta tag is honoured: body text is laid out at its 16 px, not shrunk to fit a 980 px page. */
async function expectReadableText(page: Page): Promise<void> {
  const { fontSize, layoutWidth } = await page.evaluate<{ fontSize: number; layoutWidth: number }>(
    '({ fontSize: parseFloat(getComputedStyle(document.body).fontSize), layoutWidth: document.documentElement.clientWidth })',
  );
  expect(fontSize).toBeGreaterThanOrEqual(16);
  expect(layoutWidth).toBe(page.viewportSize()!.width);
}
