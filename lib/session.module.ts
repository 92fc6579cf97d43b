import { Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, ModulesContainer, Reflector } from '@nestjs/core';
import { requestSessionProvider } from './compat/request-session.provider';
import { CsrfGuard } from './csrf/csrf.guard';
import { SessionOptionsError } from './errors';
import { EventEmitterBridge } from './events/event-emitter.bridge';
import { SessionEvents } from './events/session-events';
import { SessionHealthIndicator } from './health/session-health.indicator';
import type { SessionModuleOptions } from './interfaces/session-options.interface';
import { SessionInterceptor } from './interceptors/session.interceptor';
import type { SessionRuntime } from './session/request-session';
import { SESSION_RESOLVED_OPTIONS, SESSION_RUNTIME } from './session.constants';
import { ConfigurableModuleClass, SESSION_MODULE_OPTIONS } from './session.module-definition';
import { createSessionRuntime } from './session-runtime.factory';
import { SessionService } from './session.service';
import { refuseStoreInjection } from './session-store.check';
import { SessionStore } from './contract/session-store';
import { graphqlCommitProvider } from './transports/graphql-commit.provider';
import { resolveOptions, type ResolvedSessionOptions } from './utils/resolve-options';

/**
 * Flask's sessions for Nest. Import it once in the application module:
 *
 *     SessionModule.forRoot({ secret: process.env.SESSION_SECRET })
 *
 * It checks the options at startup, registers the session interceptor globally, provides
 * `SessionService` and, with a server-side store, the store under the `SessionStore` token; it
 * starts the store when the application starts and closes it on shutdown (stores close only the
 * clients they created).
 */
@Module({
  providers: [
    {
      provide: SESSION_RESOLVED_OPTIONS,
      inject: [SESSION_MODULE_OPTIONS],
      useFactory: (options: SessionModuleOptions) => resolveOptions(options),
    },
    {
      provide: SESSION_RUNTIME,
      inject: [SESSION_RESOLVED_OPTIONS],
      useFactory: (options: ResolvedSessionOptions) => createSessionRuntime(options),
    },
    {
      // With cookie sessions there is none: refuseStoreInjection() names whoever asks for it.
      provide: SessionStore,
      inject: [SESSION_RESOLVED_OPTIONS],
      useFactory: (options: ResolvedSessionOptions) => options.store ?? null,
    },
    requestSessionProvider,
    graphqlCommitProvider,
    SessionService,
    SessionHealthIndicator,
    { provide: APP_INTERCEPTOR, useClass: SessionInterceptor },
    // The global check exists only when the `csrf` option turns it on: Nest skips a null global
    // guard, so apps without it pay nothing per request (forRootAsync's options are known only
    // here, in a factory, not when the providers are declared).
    {
      provide: APP_GUARD,
      inject: [SESSION_RUNTIME, Reflector],
      useFactory: (runtime: SessionRuntime, reflector: Reflector) => (runtime.sessions.options.csrf.global ? new CsrfGuard(runtime, reflector) : null),
    },
    CsrfGuard,
    { provide: SessionEvents, inject: [SESSION_RUNTIME], useFactory: (runtime: SessionRuntime) => runtime.events },
    EventEmitterBridge,
  ],
  // The runtime's token is a module-private symbol; exported so that `@UseGuards(CsrfGuard)`,
  // which Nest builds in the controller's own module, finds it there.
  exports: [SessionStore, SessionService, CsrfGuard, SessionEvents, SESSION_RUNTIME, SessionHealthIndicator],
})
export class SessionModule extends ConfigurableModuleClass implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(SESSION_RUNTIME) private readonly runtime: SessionRuntime,
    @Inject(ModulesContainer) modules: ModulesContainer,
  ) {
    super();
    if (!runtime.sessions.options.store) refuseStoreInjection(modules);
    const count = [...modules.values()].filter((module) => module.metatype === SessionModule).length;
    if (count > 1) {
      throw new SessionOptionsError(
        'SessionModule is imported more than once with forRoot()/forRootAsync(): one application has one session configuration. Import it once, in the root module (it is global).',
      );
    }
  }

  /** Lets the store check its schema and take its time bounds before the first request. */
  async onModuleInit(): Promise<void> {
    await this.runtime.sessions.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.sessions.close();
  }
}
