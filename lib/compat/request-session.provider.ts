import type { FactoryProvider } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RequestSession } from '../session/request-session';
import { SessionInterface } from '../session/session-interface';
import { createRequestSessionView } from './express-session-view';
import { installRequestSession } from './install-request-session';

/** Token of the provider that installs `req.session` (its value says whether it did). */
export const REQUEST_SESSION_INSTALLER = Symbol('nest-session:request-session-installer');

/**
 * With `requestSession: true`, exposes the session as `req.session` before the application's own
 * middleware. Providers are built inside `NestFactory.create()`, and HttpAdapterHost's `init$`
 * (public, replayed) fires as soon as the platform adapter exists: under `NestFactory.create()`
 * right away, under `Test.createTestingModule()` when `createNestApplication()` sets it. Both are
 * before `main.ts` calls `app.use(passport.session())`, so the handler installed here runs first.
 */
export const requestSessionProvider: FactoryProvider<boolean> = {
  provide: REQUEST_SESSION_INSTALLER,
  inject: [HttpAdapterHost, SessionInterface],
  useFactory: (host: HttpAdapterHost, sessions: SessionInterface) => {
    const { options } = sessions;
    if (!options.requestSession) return false;
    const info = { lifetime: options.lifetime, cookie: options.cookie };
    host.init$.subscribe(() =>
      installRequestSession(host.httpAdapter, async (request, response) => createRequestSessionView(await RequestSession.attach(sessions, request, response).load(), info)),
    );
    return true;
  },
};
