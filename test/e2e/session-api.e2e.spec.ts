import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { MemorySessionStore, Session, SessionModule, SessionModuleOptions } from '../../lib';
import { Browser, createTestApp, PLATFORMS, SECRET, TestApp } from './app';

@Controller()
class ApiController {
  @Post('seed')
  seed(@Session() session: Session, @Body() body: Record<string, unknown>) {
    for (const [key, value] of Object.entries(body)) session.set(key, value);
  }

  @Post('cart/:item')
  add(@Session() session: Session<{ cart: string[] }>, @Param('item') item: string) {
    const cart = session.get('cart');
    if (cart)
      cart.push(item); // nested mutation: no set(), no modified = true
    else session.set('cart', [item]);
  }

  @Get('dict')
  dict(@Session() session: Session) {
    return session.toJSON();
  }

  @Post('touch')
  touch(@Session() session: Session) {
    session.modified = true;
  }

  @Post('edit')
  edit(@Session() session: Session) {
    const has = [session.has('a'), session.has('missing')];
    const popped = [session.pop('a'), session.pop('missing', 'fallback')];
    const deleted = [session.delete('b'), session.delete('missing')];
    return { has, popped, deleted, keys: session.keys(), json: session.toJSON() };
  }

  @Post('types')
  types(@Session() session: Session) {
    session.set('date', new Date('2024-01-02T03:04:05.678Z')).set('buffer', Buffer.from([0, 1, 254, 255]));
    session
      .set(
        'map',
        new Map<unknown, unknown>([
          ['a', 1],
          [2, new Date(0)],
        ]),
      )
      .set('set', new Set(['x', 3]))
      .set('big', 2n ** 70n);
  }

  @Get('types')
  readTypes(@Session() session: Session) {
    const [date, buffer, map, set, big] = ['date', 'buffer', 'map', 'set', 'big'].map((key) => session.get(key));
    return {
      date: date instanceof Date && date.toISOString(),
      buffer: Buffer.isBuffer(buffer) && buffer.toString('hex'),
      map: map instanceof Map && [...map].map(([k, v]) => [k, v instanceof Date ? v.getTime() : v]),
      set: set instanceof Set && [...set],
      big: typeof big === 'bigint' && big.toString(),
    };
  }

  @Post('flash')
  flash(@Session() session: Session) {
    session.flash('Welcome back');
    session.flash('Disk almost full', 'warning');
    session.flash('Payment failed', 'error');
  }

  @Get('messages')
  messages(@Session() session: Session) {
    const errors = session.getFlashedMessages({ categoryFilter: ['error'] });
    const all = session.getFlashedMessages();
    const pairs = session.getFlashedMessages({ withCategories: true, categoryFilter: ['message', 'warning'] });
    session.flash('Seen them', 'info'); // queued for the next request, as in Flask
    return { errors, all, pairs, again: session.getFlashedMessages() };
  }
}

describe.each(PLATFORMS)('the session object on %s', (platform) => {
  describe.each([
    ['cookie store', () => ({})],
    ['memory store', () => ({ store: new MemorySessionStore() })],
  ])('%s', (_name, store) => {
    const start = (options: Partial<SessionModuleOptions> = {}) =>
      createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, permanent: true, ...store(), ...options })], [ApiController]);
    let app: TestApp;
    beforeAll(async () => (app = await start()));
    afterAll(() => app.close());

    it('saves a nested mutation without modified = true', async () => {
      const browser = new Browser(app.url);
      await browser.post('/cart/apple');
      await browser.post('/cart/pear');
      expect((await browser.get('/dict')).json).toEqual({ cart: ['apple', 'pear'] });
    });

    it('sends the cookie again when modified = true, even with refreshEachRequest off', async () => {
      const local = await start({ refreshEachRequest: false });
      try {
        const browser = new Browser(local.url);
        await browser.post('/seed', { a: 1 });
        expect((await browser.get('/dict')).setCookies).toEqual([]);
        expect((await browser.post('/touch')).setCookies).toHaveLength(1);
      } finally {
        await local.close();
      }
    });

    it('has, pop, delete, keys and toJSON behave like a dict, without the _permanent flag', async () => {
      const browser = new Browser(app.url);
      await browser.post('/seed', { a: 1, b: 'two', c: [3] });
      expect((await browser.post('/edit')).json).toEqual({
        has: [true, false],
        popped: [1, 'fallback'],
        deleted: [true, false],
        keys: ['c'],
        json: { c: [3] },
      });
      expect((await browser.get('/dict')).json).toEqual({ c: [3] });
    });

    it('keeps Date, Buffer, Map, Set and bigint values through a round trip', async () => {
      const browser = new Browser(app.url);
      await browser.post('/types');
      expect((await browser.get('/types')).json).toEqual({
        date: '2024-01-02T03:04:05.678Z',
        buffer: '0001feff',
        map: [
          ['a', 1],
          [2, 0],
        ],
        set: ['x', 3],
        big: (2n ** 70n).toString(),
      });
    });

    it('flashes messages for the next request, pops them once, and agrees within a request', async () => {
      const browser = new Browser(app.url);
      await browser.post('/flash');
      expect((await browser.get('/messages')).json).toEqual({
        errors: ['Payment failed'],
        all: ['Welcome back', 'Disk almost full', 'Payment failed'],
        pairs: [
          ['message', 'Welcome back'],
          ['warning', 'Disk almost full'],
        ],
        again: ['Welcome back', 'Disk almost full', 'Payment failed'],
      });
      expect((await browser.get('/messages')).json).toMatchObject({ errors: [], all: ['Seen them'] });
    });
  });
});
