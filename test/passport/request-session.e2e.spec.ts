import { Controller, Get, Module, Req } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SessionModule, type SessionModuleOptions } from '../../lib';
import { RedisSessionStore } from '../../lib/stores/redis';
import { generateSessionId, SessionIdSigner } from '../../lib/utils/crypto';
import { Browser, PLATFORMS, SECRET, type Platform } from '../e2e/app';

/** Nothing listens here (the passport helper's port range): the store is down. */
const DEAD_REDIS = 'redis://127.0.0.1:17701';

@Controller()
class SeenController {
  @Get('seen')
  seen(@Req() request: any) {
    return { handler: request.session !== undefined };
  }
}

/** A main.ts with one `app.use()` middleware and, on Fastify, one plugin hook. */
async function createApp(platform: Platform, options: SessionModuleOptions, how: 'NestFactory' | 'Test' = 'NestFactory'): Promise<{ app: INestApplication; url: string }> {
  @Module({ imports: [SessionModule.forRoot(options)], controllers: [SeenController] })
  class AppModule {}
  let app: INestApplication;
  if (how === 'Test') {
    // An e2e test of the app: the providers are built before the platform exists.
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = platform === 'express' ? moduleRef.createNestApplication({ logger: false }) : moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  } else {
    app =
      platform === 'express'
        ? await NestFactory.create(AppModule, { logger: false })
        : await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
  }
  app.use((request: any, response: any, next: () => void) => {
    response.setHeader('x-middleware-saw-session', String(typeof request.session?.get === 'function'));
    next();
  });
  if (platform === 'fastify') {
    const plugin = async (instance: any) => {
      instance.addHook('onRequest', async (request: any, reply: any) => {
        reply.header('x-plugin-saw-session', String(typeof request.session?.get === 'function'));
      });
    };
    // Not encapsulated (what fastify-plugin does), so the hook applies to Nest's routes.
    Object.assign(plugin, { [Symbol.for('skip-override')]: true });
    await (app as NestFastifyApplication).register(plugin);
  }
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

for (const platform of PLATFORMS) {
  describe(`requestSession on ${platform}`, () => {
    it("req.session exists in main.ts's app.use() middleware, plugin hooks and handlers", async () => {
      const { app, url } = await createApp(platform, { secret: SECRET, requestSession: true });
      try {
        const reply = await new Browser(url).get('/seen');
        expect(reply.json).toEqual({ handler: true });
        expect(reply.headers.get('x-middleware-saw-session')).toBe('true');
        if (platform === 'fastify') expect(reply.headers.get('x-plugin-saw-session')).toBe('true');
      } finally {
        await app.close();
      }
    });

    it('the same under Test.createTestingModule(), as apps build their e2e tests', async () => {
      const { app, url } = await createApp(platform, { secret: SECRET, requestSession: true }, 'Test');
      try {
        const reply = await new Browser(url).get('/seen');
        expect(reply.json).toEqual({ handler: true });
        expect(reply.headers.get('x-middleware-saw-session')).toBe('true');
        if (platform === 'fastify') expect(reply.headers.get('x-plugin-saw-session')).toBe('true');
      } finally {
        await app.close();
      }
    });

    it('with the store down: no cookie costs no store call (200); a session cookie gets a clean 503 JSON', async () => {
      const store = new RedisSessionStore({ connection: DEAD_REDIS, prefix: 'passport-dead:' });
      const { app, url } = await createApp(platform, { secret: SECRET, store, requestSession: true, storeTimeout: 500 });
      try {
        expect((await new Browser(url).get('/seen')).status).toBe(200);
        const cookie = `session=${new SessionIdSigner([SECRET]).sign(generateSessionId())}`;
        const reply = await new Browser(url).get('/seen', { cookie });
        expect(reply.status).toBe(503);
        expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
        expect(reply.json.statusCode).toBe(503);
        // The server is still up.
        expect((await new Browser(url).get('/seen')).status).toBe(200);
      } finally {
        await app.close();
      }
    });

    it('without requestSession, req.session stays undefined', async () => {
      const { app, url } = await createApp(platform, { secret: SECRET });
      try {
        expect((await new Browser(url).get('/seen')).json).toEqual({ handler: false });
      } finally {
        await app.close();
      }
    });
  });
}
