import { BadRequestException, Controller, Get, Post } from '@nestjs/common';
import { Session } from '../../lib';
import { Browser, createTestApp, PLATFORMS, TestApp } from './app';
import { COOKIE_AND_MEMORY_STORES } from './session-kinds';

@Controller()
class FailingController {
  @Post('rejected')
  rejected(@Session() session: Session) {
    session.set('attempts', session.get('attempts', 0) + 1);
    throw new BadRequestException('Name is required');
  }

  @Post('crashed')
  crashed(@Session() session: Session) {
    session.set('step', 'payment');
    throw new Error('connection to db-internal:5432 refused');
  }

  @Post('unstorable')
  unstorable(@Session() session: Session) {
    session.set('callback', () => 'not data');
    return { ok: true };
  }

  @Get('state')
  state(@Session() session: Session) {
    return session.toJSON();
  }
}

describe.each(PLATFORMS)('a handler that fails on %s', (platform) => {
  describe.each(COOKIE_AND_MEMORY_STORES)('%s', (_name, module) => {
    let app: TestApp;
    beforeAll(async () => (app = await createTestApp(platform, [module()], [FailingController])));
    afterAll(() => app.close());

    it('answers an HttpException with its status and body, and still saves the session', async () => {
      const browser = new Browser(app.url);
      const reply = await browser.post('/rejected');
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ statusCode: 400, message: 'Name is required', error: 'Bad Request' });
      expect(reply.setCookies).toHaveLength(1);
      expect(reply.headers.get('vary')).toMatch(/Cookie/);
      expect(reply.headers.get('cache-control')).toMatch(/private/);
      await browser.post('/rejected');
      expect((await browser.get('/state')).json).toEqual({ attempts: 2 });
    });

    it('answers a plain Error with a 500 that reveals nothing, and still saves the session', async () => {
      const browser = new Browser(app.url);
      const reply = await browser.post('/crashed');
      expect(reply.status).toBe(500);
      expect(reply.json).toEqual({ statusCode: 500, message: 'Internal server error' });
      expect(reply.body).not.toMatch(/db-internal|\.ts:\d+|at /);
      expect(reply.setCookies).toHaveLength(1);
      expect((await browser.get('/state')).json).toEqual({ step: 'payment' });
    });

    it('answers a function stored in the session with a generic 500 (the detail goes to the log), and keeps serving', async () => {
      const browser = new Browser(app.url);
      const reply = await browser.post('/unstorable');
      expect(reply.status).toBe(500);
      expect(reply.json).toEqual({ statusCode: 500, message: 'Internal server error' });
      expect(reply.setCookies).toEqual([]);
      const after = await browser.get('/state');
      expect(after.status).toBe(200);
      expect(after.json).toEqual({});
    });
  });
});
