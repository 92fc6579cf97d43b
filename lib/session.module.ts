import { Inject, MiddlewareConsumer, Module, NestModule, OnApplicationShutdown, RequestMethod } from '@nestjs/common';
import { APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import { createRequestSessionView } from './compat/express-session-view';
import { installRequestSession } from './compat/install-request-session';
import { attachRequestSession } from './session/request-session';
import { createCookieCodec } from './codecs/create-cookie-codec';
import { SessionOptionsError } from './errors/session.errors';
import type { SessionModuleOptions } from './interfaces/session-options.interface';
import { SessionInterceptor } from './interceptors/session.interceptor';
import { SessionContextMiddleware } from './session-context.middleware';
import { ConfigurableModuleClass, SESSION_MODULE_OPTIONS } from './session.module-definition';
import { SessionService } from './session.service';
import { SessionManager } from './session/session-manager';
import { CookieSessionStore } from './stores/cookie-session.store';
import { SessionStore } from './stores/session-store';
import { resolveOptions, type ResolvedSessionOptions } from './utils/resolve-options';

const RESOLVED_OPTIONS = Symbol('nest-session:resolved-options');

/**
 * Flask's sessions for Nest. Import it once in the application module:
 *
 *     SessionModule.forRoot({ secret: process.env.SESSION_SECRET })
 *
 * It checks the options at startup, provides the store under the `SessionStore` token and
 * `SessionService`, registers the session interceptor globally, and closes the store on shutdown
 * (stores close only the clients they created).
 */
@Module({
  providers: [
    {
      provide: RESOLVED_OPTIONS,
      inject: [SESSION_MODULE_OPTIONS],
      useFactory: (options: SessionModuleOptions) => resolveOptions(options),
    },
    {
      provide: SessionStore,
      inject: [RESOLVED_OPTIONS],
      useFactory: (options: ResolvedSessionOptions) => {
        const store = options.store ?? new CookieSessionStore(createCookieCodec(options));
        if (!(store instanceof SessionStore)) throw new SessionOptionsError('the `store` option must be an instance of a class that extends SessionStore.');
        if (options.userKey && !store.findByUser) {
          throw new SessionOptionsError(`the userKey option needs a store with a user index; ${store.constructor.name} has none (use the Redis, TypeORM, MongoDB, file or memory store).`);
        }
        return store;
      },
    },
    {
      provide: SessionManager,
      inject: [RESOLVED_OPTIONS, SessionStore],
      useFactory: (options: ResolvedSessionOptions, store: SessionStore) => new SessionManager(options, store),
    },
    // TEMP wiring of `requestSession: true` until the new core lands (the lead redoes it there).
    {
      provide: 'nest-session:request-session-installer',
      inject: [HttpAdapterHost, SessionManager, SESSION_MODULE_OPTIONS, RESOLVED_OPTIONS],
      useFactory: (host: HttpAdapterHost, manager: SessionManager, raw: SessionModuleOptions, options: ResolvedSessionOptions) => {
        if (!raw.requestSession) return false;
        const info = { lifetime: options.lifetime, cookie: options.cookie };
        // init$ replays: now under NestFactory.create(), or when Test.createTestingModule()'s
        // createNestApplication() sets the adapter; both before main.ts's app.use() calls.
        host.init$.subscribe(() =>
          installRequestSession(host.httpAdapter, async (request, response) =>
            createRequestSessionView(await attachRequestSession(manager, request, response).load(), info),
          ),
        );
        return true;
      },
    },
    SessionService,
    SessionContextMiddleware,
    { provide: APP_INTERCEPTOR, useClass: SessionInterceptor },
  ],
  exports: [SessionStore, SessionService],
})
export class SessionModule extends ConfigurableModuleClass implements NestModule, OnApplicationShutdown {
  constructor(
    @Inject(SessionStore) private readonly store: SessionStore,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedSessionOptions,
  ) {
    super();
  }

  /** The context middleware runs before guards, so `current()` works there too. */
  configure(consumer: MiddlewareConsumer): void {
    if (this.options.asyncContext) consumer.apply(SessionContextMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close?.();
  }
}
