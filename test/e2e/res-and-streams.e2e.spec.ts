import { Controller, Get, Post, Res, StreamableFile } from '@nestjs/common';
import { Readable } from 'node:stream';
import { MemorySessionStore, Session, SessionModule } from '../../lib';
import { Browser, createTestApp, PLATFORMS, SECRET, TestApp } from './app';
import { COOKIE_AND_MEMORY_STORES } from './session-kinds';

/** Express hands out `res` (res.json), Fastify its reply (reply.send). */
type AnyResponse = any;
const isFastify = (res: AnyResponse) => res.raw !== undefined && typeof res.code === 'function';
const sendJson = (res: AnyResponse, body: unknown) => (isFastify(res) ? res.code(200).send(body) : res.status(200).json(body));
const setHeader = (res: AnyResponse, name: string, value: string) => (isFastify(res) ? res.header(name, value) : res.setHeader(name, value));

const REPORT = Array.from({ length: 4000 }, (_, i) => `line ${i}: ${'x'.repeat(40)}\n`).join('');

@Controller()
class ResponseController {
  @Post('passthrough')
  passthrough(@Session() session: Session, @Res({ passthrough: true }) res: AnyResponse) {
    session.set('via', 'passthrough');
    setHeader(res, 'x-handled-by', 'passthrough');
    return { ok: true };
  }

  @Post('manual-saved')
  async manualSaved(@Session() session: Session, @Res() res: AnyResponse) {
    session.set('via', 'manual');
    await session.save();
    sendJson(res, { ok: true });
  }

  @Post('manual-unsaved')
  manualUnsaved(@Session() session: Session, @Res() res: AnyResponse) {
    session.set('via', 'unsaved');
    sendJson(res, { delivered: true });
  }

  @Get('report')
  report(@Session() session: Session) {
    session.set('downloads', session.get('downloads', 0) + 1);
    return new StreamableFile(Readable.from(REPORT.match(/[^]{1,1000}/g) as string[]), { type: 'text/plain' });
  }

  @Get('state')
  state(@Session() session: Session) {
    return session.toJSON();
  }
}

describe.each(PLATFORMS)('responses sent by the handler on %s', (platform) => {
  describe.each(COOKIE_AND_MEMORY_STORES)('%s', (_name, module) => {
    let app: TestApp;
    beforeAll(async () => (app = await createTestApp(platform, [module()], [ResponseController])));
    afterAll(() => app.close());

    it('sets the cookie for a @Res({ passthrough: true }) handler', async () => {
      const browser = new Browser(app.url);
      const reply = await browser.post('/passthrough');
      expect([reply.status, reply.json, reply.headers.get('x-handled-by')]).toEqual([201, { ok: true }, 'passthrough']);
      expect(reply.setCookies).toHaveLength(1);
      expect((await browser.get('/state')).json).toEqual({ via: 'passthrough' });
    });

    it('sets the cookie for a @Res() handler that saves before sending', async () => {
      const browser = new Browser(app.url);
      const reply = await browser.post('/manual-saved');
      expect([reply.status, reply.json]).toEqual([200, { ok: true }]);
      expect(reply.setCookies).toHaveLength(1);
      expect((await browser.get('/state')).json).toEqual({ via: 'manual' });
    });

    it('delivers the response of a @Res() handler that forgot to save, and keeps serving', async () => {
      const browser = new Browser(app.url);
      const reply = await browser.post('/manual-unsaved');
      expect([reply.status, reply.json]).toEqual([200, { delivered: true }]);
      expect(reply.setCookies).toEqual([]);
      const next = await browser.get('/state');
      expect([next.status, next.json]).toEqual([200, {}]);
    });

    it('sets the cookie on a StreamableFile response and streams the body intact', async () => {
      const browser = new Browser(app.url);
      const reply = await browser.get('/report');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(reply.setCookies).toHaveLength(1);
      expect(reply.body).toBe(REPORT);
      expect((await browser.get('/report')).body).toBe(REPORT);
      expect((await browser.get('/state')).json).toEqual({ downloads: 2 });
    });
  });

  it('still saves an existing server-side session whose @Res() handler forgot to save', async () => {
    const app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store: new MemorySessionStore() })], [ResponseController]);
    try {
      const browser = new Browser(app.url);
      await browser.post('/passthrough');
      expect((await browser.post('/manual-unsaved')).json).toEqual({ delivered: true });
      expect((await browser.get('/state')).json).toEqual({ via: 'unsaved' });
    } finally {
      await app.close();
    }
  });
});
