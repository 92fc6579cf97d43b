import { createCookieCodec } from './codecs/create-cookie-codec';
import { CsrfTokens } from './session/csrf-tokens';
import { SessionOptionsError } from './errors';
import { SessionEvents } from './events/session-events';
import { SessionLimit } from './limits/session-limit';
import { CookieSessionInterface } from './session/cookie-session.interface';
import type { SessionRuntime } from './session/request-session';
import { ServerSessionInterface } from './session/server-session.interface';
import type { SessionInterface } from './session/session-interface';
import { SessionStore } from './contract/session-store';
import type { ResolvedSessionOptions } from './utils/resolve-options';

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

/** The runtime every request of the application shares. */
export function createSessionRuntime(options: ResolvedSessionOptions): SessionRuntime {
  return {
    sessions: createSessionInterface(options),
    csrf: new CsrfTokens(options.secrets, options.cookie.name, options.csrf.maxAge),
    events: new SessionEvents(),
  };
}
