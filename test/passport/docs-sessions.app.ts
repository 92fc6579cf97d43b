import { Controller, Get, Module, Post, Req, Session } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import session from 'express-session';
import { SessionModule } from '../../lib';
import { SECRET, type TestApp } from '../e2e/app';

/**
 * The session example of Nest's documentation (techniques/session), written against
 * express-session: Nest's own `@Session()` and `req.session`, nothing from nest-session.
 */
@Controller()
class VisitsController {
  @Get()
  findAll(@Session() session: Record<string, any>) {
    session.visits = session.visits ? session.visits + 1 : 1;
    return { visits: session.visits };
  }

  @Get('peek')
  peek(@Req() request: any) {
    return { visits: request.session.visits ?? null, cookieMaxAge: request.session.cookie.maxAge ?? null };
  }

  @Post('logout')
  logout(@Req() request: any) {
    return new Promise((resolve, reject) => request.session.destroy((error?: unknown) => (error ? reject(error) : resolve({ ok: true }))));
  }

  @Post('renew')
  renew(@Req() request: any) {
    const visits = request.session.visits;
    return new Promise((resolve, reject) =>
      request.session.regenerate((error?: unknown) => {
        if (error) return reject(error);
        request.session.renewedFrom = visits ?? 0;
        request.session.save((saveError?: unknown) => (saveError ? reject(saveError) : resolve({ visits: request.session.visits ?? null })));
      }),
    );
  }
}

export type SessionSetup = 'express-session' | 'nest-session';

/** The docs' app; `setup` switches only the session setup lines (module import, app.use). */
export async function createDocsApp(setup: SessionSetup): Promise<TestApp> {
  // ---- session setup, nest-session: one import in the module ----
  const imports = setup === 'nest-session' ? [SessionModule.forRoot({ secret: SECRET, requestSession: true })] : [];
  @Module({ imports, controllers: [VisitsController] })
  class AppModule {}

  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  // ---- session setup, express-session: the docs' app.use line ----
  if (setup === 'express-session') app.use(session({ secret: SECRET, resave: false, saveUninitialized: false }));
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, close: () => app.close() };
}
