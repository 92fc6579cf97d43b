import { CanActivate, Controller, ExecutionContext, Get, Injectable, Param, Post, UseGuards } from '@nestjs/common';
import { MemorySessionStore, SessionModule, SessionService } from '../../lib';
import { Browser, createTestApp, PLATFORMS, SECRET, TestApp } from './app';

/** Counts every attempt in the session and lets the first three through. */
@Injectable()
class AttemptLimitGuard implements CanActivate {
  constructor(private readonly sessions: SessionService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const session = await this.sessions.fromContext(context);
    const attempts = session.get('attempts', 0) + 1;
    session.set('attempts', attempts);
    return attempts <= 3;
  }
}

/** A provider deep in the call chain that reaches the session without it being passed in. */
@Injectable()
class CartService {
  constructor(private readonly sessions: SessionService) {}

  async add(item: string): Promise<string[]> {
    const session = await this.sessions.current();
    const cart = [...session.get('cart', []), item];
    session.set('cart', cart);
    return cart;
  }

  async summary(): Promise<{ cart: string[]; attempts: number }> {
    const session = await this.sessions.current();
    return { cart: session.get('cart', []), attempts: session.get('attempts', 0) };
  }
}

@Controller()
class ShopController {
  constructor(private readonly cart: CartService) {}

  @Post('checkout')
  @UseGuards(AttemptLimitGuard)
  checkout() {
    return this.cart.summary();
  }

  @Post('cart/:item')
  add(@Param('item') item: string) {
    return this.cart.add(item);
  }

  @Get('summary')
  summary() {
    return this.cart.summary();
  }
}

describe.each(PLATFORMS)('the session in guards and providers on %s', (platform) => {
  describe.each([
    ['cookie store', () => SessionModule.forRoot({ secret: SECRET, asyncContext: true })],
    ['memory store', () => SessionModule.forRoot({ secret: SECRET, asyncContext: true, store: new MemorySessionStore() })],
  ])('%s', (_name, module) => {
    let app: TestApp;
    beforeAll(async () => (app = await createTestApp(platform, [module()], [ShopController], [CartService, AttemptLimitGuard])));
    afterAll(() => app.close());

    it('saves what a guard writes through SessionService.fromContext(), and the guard denies after three', async () => {
      const browser = new Browser(app.url);
      for (const attempts of [1, 2, 3]) {
        const reply = await browser.post('/checkout');
        expect([reply.status, reply.json]).toEqual([201, { cart: [], attempts }]); // the handler sees the guard's write
      }
      expect((await browser.get('/summary')).json).toEqual({ cart: [], attempts: 3 });
      expect((await browser.post('/checkout')).status).toBe(403);
    });

    it('saves what a provider writes through SessionService.current()', async () => {
      const browser = new Browser(app.url);
      expect((await browser.post('/cart/tea')).json).toEqual(['tea']);
      expect((await browser.post('/cart/milk')).json).toEqual(['tea', 'milk']);
      expect((await browser.get('/summary')).json).toEqual({ cart: ['tea', 'milk'], attempts: 0 });
    });

    it('rejects current() outside a request with an error that says so', async () => {
      await expect(app.app.get(SessionService).current()).rejects.toThrow(/current\(\) was called outside a handler of an HTTP request/);
    });
  });
});
