import type { Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { createCookieCodec } from './codecs/create-cookie-codec';
import { requestSessionProvider } from './compat/request-session.provider';
import { SessionStore } from './contract/session-store';
import { CsrfGuard } from './csrf/csrf.guard';
import { SessionOptionsError } from './errors';
import { EventEmitterBridge } from './events/event-emitter.bridge';
import { SessionEvents } from './events/session-events';
import { SessionHealthIndicator } from './health/session-health.indicator';
import { SessionInterceptor } from './interceptors/session.interceptor';
import type { SessionModuleOptions } from './interfaces/session-options.interface';
import { SessionLimit } from './limits/session-limit';
import { SESSION_RESOLVED_OPTIONS } from './session.constants';
import { SESSION_MODULE_OPTIONS } from './session.module-definition';
import { SessionService } from './session.service';
import { CookieSessionInterface } from './session/cookie-session.interface';
import { ServerSessionInterface } from './session/server-session.interface';
import { SessionInterface } from './session/session-interface';
import { graphqlCommitProvider } from './transports/graphql-commit.provider';
import { resolveOptions, type ResolvedSessionOptions } from './utils/resolve-options';

/**
 * Picks the one session interface the options describe: the signed cookie when no `store` is
 * given, the server-side store otherwise. The choice is made here, once; nothing on the request
 * path asks again.
 */
export function createSessionInterface(options: ResolvedSessionOptions): SessionInterface {
  const { store } = options;
  if (store === undefined) {
    if (options.userKey) {
      throw new SessionOptionsError(
        'the userKey option needs a server-side store with a user index (Redis, TypeORM, MongoDB, files, memcached or memory): with cookie sessions the server keeps nothing it could look up by user.',
      );
    }
    return new CookieSessionInterface(options, createCookieCodec(options));
  }
  if (!(store instanceof SessionStore)) throw new SessionOptionsError('the `store` option must be an instance of a class that extends SessionStore.');
  if (options.userKey && !store.findByUser) {
    throw new SessionOptionsError(
      `the userKey option needs a store with a user index; ${store.constructor.name} has none (use the Redis, TypeORM, MongoDB, file or memory store).`,
    );
  }
  if (options.maxSessionsPerUser !== undefined && !store.lockUser) {
    throw new SessionOptionsError(
      `maxSessionsPerUser needs a store that can lock a user across app processes; ${store.constructor.name} has no lockUser() (every built-in store has one). Implement lockUser() in your store, or remove maxSessionsPerUser.`,
    );
  }
  const max = options.maxSessionsPerUser;
  return new ServerSessionInterface(options, store, max ? (sessions) => new SessionLimit(sessions, max) : undefined);
}

/**
 * Every provider of `SessionModule`, in the order a request meets them: the checked options, the
 * one session interface they choose (the token everything else injects), the store under its
 * own token, then what stands on the interface — `req.session`, the GraphQL commit, the service,
 * the health check, the global interceptor and guard, and the events.
 */
export const sessionProviders: Provider[] = [
  {
    provide: SESSION_RESOLVED_OPTIONS,
    inject: [SESSION_MODULE_OPTIONS],
    useFactory: (options: SessionModuleOptions) => resolveOptions(options),
  },
  { provide: SessionInterface, inject: [SESSION_RESOLVED_OPTIONS], useFactory: createSessionInterface },
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
    inject: [SessionInterface, Reflector],
    useFactory: (sessions: SessionInterface, reflector: Reflector) => (sessions.options.csrf.global ? new CsrfGuard(sessions, reflector) : null),
  },
  CsrfGuard,
  { provide: SessionEvents, inject: [SessionInterface], useFactory: (sessions: SessionInterface) => sessions.events },
  EventEmitterBridge,
];
