import { Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { SessionStore } from './contract/session-store';
import { CsrfGuard } from './csrf/csrf.guard';
import { SessionOptionsError } from './errors';
import { SessionEvents } from './events/session-events';
import { SessionHealthIndicator } from './health/session-health.indicator';
import { refuseStoreInjection } from './session-store.check';
import { ConfigurableModuleClass } from './session.module-definition';
import { sessionProviders } from './session.providers';
import { SessionService } from './session.service';
import { SessionInterface } from './session/session-interface';

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
  providers: sessionProviders,
  // SessionInterface is exported so that `@UseGuards(CsrfGuard)`, which Nest builds in the
  // controller's own module, finds it there.
  exports: [SessionStore, SessionService, CsrfGuard, SessionEvents, SessionInterface, SessionHealthIndicator],
})
export class SessionModule extends ConfigurableModuleClass implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly sessions: SessionInterface,
    @Inject(ModulesContainer) modules: ModulesContainer,
  ) {
    super();
    if (!sessions.options.store) refuseStoreInjection(modules);
    const count = [...modules.values()].filter((module) => module.metatype === SessionModule).length;
    if (count > 1) {
      throw new SessionOptionsError(
        'SessionModule is imported more than once with forRoot()/forRootAsync(): one application has one session configuration. Import it once, in the root module (it is global).',
      );
    }
  }

  /** Lets the store check its schema and take its time bounds before the first request. */
  async onModuleInit(): Promise<void> {
    await this.sessions.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sessions.close();
  }
}
