import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { SessionContextError, SessionStoreUnsupportedError } from './errors/session.errors';
import type { Session } from './interfaces/session.interface';
import { attachRequestSession, requestContext } from './session/request-session';
import { SessionManager } from './session/session-manager';
import { SessionStore } from './stores/session-store';

/** Options of {@link SessionService.destroyUserSessions}. */
export interface DestroyUserSessionsOptions {
  /** A session id to keep, usually the current one ("log out my other devices"). @default undefined */
  except?: string | null;
}

/**
 * The session outside controller parameters. Guards run before interceptors, so a guard opens
 * the session with `fromContext()`; any provider reaches the current request's session with
 * `current()`, without passing it down, the way Flask's global `session` works. Changes made
 * there are saved by the interceptor after the handler, like any other.
 */
@Injectable()
export class SessionService {
  constructor(
    @Inject(SessionManager) private readonly manager: SessionManager,
    @Inject(SessionStore) private readonly store: SessionStore,
  ) {}

  /** The session of the request an `ExecutionContext` describes (guards, interceptors, filters). */
  fromContext<T extends object = Record<string, any>>(context: ExecutionContext): Promise<Session<T>> {
    const http = context.switchToHttp();
    return attachRequestSession(this.manager, http.getRequest(), http.getResponse()).load() as unknown as Promise<Session<T>>;
  }

  /** The session of the request in progress, from anywhere in its call chain. */
  current<T extends object = Record<string, any>>(): Promise<Session<T>> {
    if (!this.manager.options.asyncContext) {
      return Promise.reject(new SessionContextError('SessionService.current() needs the asyncContext option (it is off): turn it on, or use @Session() in handlers and fromContext() in guards.'));
    }
    const state = requestContext.getStore();
    if (!state) {
      return Promise.reject(new SessionContextError('SessionService.current() was called outside an HTTP request handled by SessionModule.'));
    }
    return state.load() as unknown as Promise<Session<T>>;
  }

  /** Ids of a user's live sessions (needs the `userKey` option). */
  listUserSessions(userId: string | number): Promise<string[]> {
    const findByUser = this.userIndex();
    return this.manager.call('findByUser', () => findByUser(String(userId)));
  }

  /**
   * Logs a user out everywhere: destroys every session of the user, or all but `except`.
   * Returns how many were destroyed.
   */
  async destroyUserSessions(userId: string | number, options: DestroyUserSessionsOptions = {}): Promise<number> {
    const ids = (await this.listUserSessions(userId)).filter((id) => id !== options.except);
    await Promise.all(ids.map((id) => this.manager.call('destroy', () => this.store.destroy(id))));
    return ids.length;
  }

  private userIndex(): (userId: string) => Promise<string[]> {
    if (!this.manager.options.userKey || !this.store.findByUser) {
      throw new SessionStoreUnsupportedError('listing and destroying a user\'s sessions needs the `userKey` option and a server-side store with a user index.');
    }
    return this.store.findByUser.bind(this.store);
  }
}
