import { Controller, Get, MessageEvent, Post, Sse } from '@nestjs/common';
import { interval, map, type Observable, take } from 'rxjs';
import { ConsoleLogger } from '@nestjs/common';
import { Session, SessionModule } from '../../lib';
import { Browser, createTestApp, PLATFORMS, SECRET, type TestApp } from '../e2e/app';
import type { CountingStore } from './counting-store';
import { COOKIE_STORE, describeStore, REDIS_STORE, SQLITE_STORE } from './transport-stores';

@Controller()
class StreamController {
  @Post('login')
  login(@Session() session: Session): { ok: true } {
    session.set('name', 'ada');
    return { ok: true };
  }

  @Get('me')
  me(@Session() session: Session): Record<string, unknown> {
    return session.toJSON();
  }

  /** Reads the session to stream it: what SSE routes are for. */
  @Sse('events')
  events(@Session('name') name?: string): Observable<MessageEvent> {
    return interval(5).pipe(
      take(3),
      map((i) => ({ data: { i, name: name ?? null } })),
    );
  }

  /** Writes in the handler, before the stream starts. */
  @Sse('write-before')
  writeBefore(@Session() session: Session): Observable<MessageEvent> {
    session.set('sse', 'before');
    return interval(5).pipe(
      take(2),
      map((i) => ({ data: { i } })),
    );
  }

  /** Writes while the stream runs, after its headers were sent. */
  @Sse('write-during')
  writeDuring(@Session() session: Session): Observable<MessageEvent> {
    return interval(5).pipe(
      take(2),
      map((i) => {
        session.set('sse', `during ${i}`);
        return { data: { i } };
      }),
    );
  }
}

/** Keeps error logs for assertions. */
class KeptLogger extends ConsoleLogger {
  readonly errors: string[] = [];
  override error(message: unknown): void {
    this.errors.push(String(message));
  }
  override warn(): void {}
  override log(): void {}
}

/** Reads a whole event stream (it ends after a few events). */
async function stream(browser: Browser, path: string) {
  const reply = await browser.get(path, { accept: 'text/event-stream' });
  const events = reply.body
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)));
  return { reply, events };
}

/**
 * Server-sent events: the headers leave before the first event, and the session is saved per event
 * (after the handler, as on any route). Reading works everywhere; a write can only reach a session
 * the store already holds, since no cookie can follow the headers.
 */
describe.each(PLATFORMS)('@Sse() on %s', (platform) => {
  describe.each([COOKIE_STORE, REDIS_STORE, SQLITE_STORE])('$name', (target) => {
    describeStore(target)('', () => {
      let app: TestApp;
      let store: CountingStore | undefined;
      let cleanup: () => Promise<void>;
      const logger = new KeptLogger();
      beforeAll(async () => {
        const opened = await target.open();
        store = opened.store;
        cleanup = opened.cleanup;
        app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store })], [StreamController]);
        app.app.useLogger(logger);
      });
      afterAll(async () => {
        await app?.close();
        await cleanup?.();
      });

      it('streams what the session holds, with one store read', async () => {
        const browser = new Browser(app.url);
        await browser.post('/login');
        store?.reset();
        const { reply, events } = await stream(browser, '/events');
        expect(reply.headers.get('content-type')).toMatch(/^text\/event-stream/);
        expect(events).toEqual([0, 1, 2].map((i) => ({ i, name: 'ada' })));
        if (store) expect(store.calls).toEqual({ get: 1, save: 0, touch: 0, destroy: 0 });
      });

      it(
        target === COOKIE_STORE
          ? 'loses writes, with an error in the log: the cookie cannot follow the headers'
          : 'saves writes to a stored session, made before or during the stream',
        async () => {
          const browser = new Browser(app.url);
          await browser.post('/login');
          logger.errors.length = 0;
          const before = await stream(browser, '/write-before');
          expect(before.events).toEqual([{ i: 0 }, { i: 1 }]);
          expect(before.reply.setCookies).toEqual([]);
          expect((await browser.get('/me')).json).toEqual(store ? { name: 'ada', sse: 'before' } : { name: 'ada' });
          const during = await stream(browser, '/write-during');
          expect(during.events).toEqual([{ i: 0 }, { i: 1 }]);
          expect((await browser.get('/me')).json).toEqual(store ? { name: 'ada', sse: 'during 1' } : { name: 'ada' });
          // A lost write is never silent.
          const lost = logger.errors.filter((line) => line.startsWith('nest-session: a change to the session on a @Sse() route was lost'));
          expect(lost.length > 0).toBe(!store);
        },
      );

      it('never stores a session a stream started for a visitor without one', async () => {
        const browser = new Browser(app.url);
        store?.reset();
        const { events, reply } = await stream(browser, '/write-before');
        expect(events).toHaveLength(2);
        expect(reply.setCookies).toEqual([]);
        if (store) expect(store.calls.save).toBe(0);
      });
    });
  });
});
