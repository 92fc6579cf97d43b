import { Controller, Get } from '@nestjs/common';
import { Session, SessionModule } from '../../lib';
import { createTestApp, PLATFORMS, SECRET, TestApp } from '../e2e/app';
import { HOSTILE_TARGETS } from './hostile-targets';
import { hostileCorpus } from './hostile-corpus';
import { rawGet, sendRaw, type RawReply } from './raw-http';
import { RecordingStore } from './recording-store';

const RETIRED = 'retired-secret-that-is-at-least-32-characters';
const CORPUS_SIZE = Number(process.env.NEST_SESSION_FUZZ_SIZE ?? 10000);

@Controller()
class ProbeController {
  @Get('peek')
  peek(@Session() session: Session) {
    return { isNew: session.isNew, keys: session.keys() };
  }

  @Get('write')
  write(@Session() session: Session) {
    session.set('n', (session.get('n') ?? 0) + 1);
    return { n: session.get('n') };
  }
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

const cookieOf = (reply: RawReply) =>
  reply.headers
    .find((h) => /^set-cookie: session=/i.test(h))
    ?.replace(/^set-cookie: session=/i, '')
    .split(';')[0];

for (const target of HOSTILE_TARGETS) {
  // Every target on Express; the in-process ones on Fastify too (the parsing path is shared).
  const platforms = target.serverSide && target.name !== 'memory' ? PLATFORMS.slice(0, 1) : PLATFORMS;
  target.describe(`hostile cookies against the ${target.name} store`, () => {
    describe.each(platforms)('on %s', (platform) => {
      let app: TestApp;
      let port: number;
      let recorder: RecordingStore | undefined;
      let cleanup: () => Promise<void> = async () => undefined;
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);

      beforeAll(async () => {
        process.on('unhandledRejection', onUnhandled);
        const opened = await target.open();
        cleanup = opened.cleanup;
        recorder = opened.store ? new RecordingStore(opened.store) : undefined;
        const module = SessionModule.forRoot({ secret: [SECRET, RETIRED], store: recorder, cookieFormat: target.cookieFormat });
        app = await createTestApp(platform, [module], [ProbeController]);
        port = Number(new URL(app.url).port);
      }, 60000);

      afterAll(async () => {
        process.off('unhandledRejection', onUnhandled);
        await app?.close();
        await cleanup();
      });

      it(`answers ${CORPUS_SIZE} hostile requests with a normal response and a fresh session`, async () => {
        const issued: string[] = [];
        for (let i = 0; i < 5; i++) issued.push(cookieOf(await sendRaw(port, rawGet('/write', []))) as string);
        expect(issued.every(Boolean)).toBe(true);

        const corpus = hostileCorpus(
          { cookieName: 'session', issued, secret: SECRET, retiredSecret: 'gone-secret-that-is-at-least-32-characters', serverSide: target.serverSide },
          CORPUS_SIZE,
        );
        const failures: string[] = [];
        const statuses = new Map<number, number>();
        await pool(
          corpus.map((c, index) => ({ ...c, index })),
          24,
          async (hostile) => {
            const path = hostile.index % 10 === 0 ? '/write' : '/peek';
            const reply = await sendRaw(port, rawGet(path, hostile.headers));
            statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
            // 400 and 431 come from Node's HTTP parser (bad bytes, oversized headers) before Nest.
            const normal = reply.status === 200 || reply.status === 400 || reply.status === 431;
            let fresh = true;
            if (reply.status === 200) {
              const body = JSON.parse(reply.body);
              fresh = path === '/write' ? body.n === 1 : body.isNew === true && body.keys.length === 0;
            }
            if (!normal || !fresh) failures.push(`#${hostile.index} ${hostile.kind} on ${path}: ${reply.status} ${reply.body.slice(0, 120)}`);
          },
        );

        expect(failures.slice(0, 20)).toEqual([]);
        expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
        expect(statuses.get(200)).toBeGreaterThan(CORPUS_SIZE / 2);
        expect(unhandled).toEqual([]);
        if (recorder) expect(recorder.strangers()).toEqual([]);

        // Still serving, and the issued sessions still work.
        const after = await sendRaw(port, rawGet('/peek', [Buffer.from(`Cookie: session=${issued[0]}`)]));
        expect(after.status).toBe(200);
        expect(JSON.parse(after.body)).toEqual({ isNew: false, keys: ['n'] });
      }, 300000);
    });
  });
}
