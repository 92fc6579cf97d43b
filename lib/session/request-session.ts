import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import * as http from '../utils/http';
import { LateCookieError } from './session-cookie';
import type { OpenedSession, SessionManager } from './session-manager';
import type { SessionController, SessionObject } from './session-object';

const logger = new Logger('SessionModule');

/**
 * The session state of one request. It opens the session on first use (so a request that never
 * touches the session costs no store call and sends no cookie) and commits it once the handler is
 * done. Guards, interceptors, providers and the `@Session()` parameter all reach the same one.
 */
export class RequestSession implements SessionController {
  private opened?: OpenedSession;
  private opening?: Promise<OpenedSession>;
  private committing: Promise<void> = Promise.resolve();

  constructor(
    private readonly manager: SessionManager,
    readonly request: http.PlatformRequest,
    public response: http.PlatformResponse,
  ) {}

  /** The session if it was opened already. */
  get session(): SessionObject | undefined {
    return this.opened?.session;
  }

  /** Opens the session once; concurrent callers share the same read. */
  async load(): Promise<SessionObject> {
    this.opening ??= this.manager.open(this.request, this).then((opened) => (this.opened = opened));
    try {
      return (await this.opening).session;
    } catch (error) {
      this.opening = undefined;
      throw error;
    }
  }

  /** Saves what changed; commits of one request run one after the other. */
  commit(): Promise<void> {
    const run = async () => {
      if (!this.opened) return;
      try {
        await this.manager.commit(this.opened, this.request, this.response);
      } catch (error) {
        if (!(error instanceof LateCookieError)) throw error;
        logger.error(`${error.message} (${this.request.method} ${this.request.url})`);
      }
    };
    this.committing = this.committing.then(run, run);
    return this.committing;
  }

  regenerate(session: SessionObject): Promise<void> {
    return this.manager.regenerate(session);
  }

  destroy(session: SessionObject): Promise<void> {
    return this.manager.destroy(session);
  }

  save(): Promise<void> {
    return this.commit();
  }
}

/** Per-request state, keyed by Node's request so that both platforms' wrappers find it. */
const requests = new WeakMap<object, RequestSession>();
/** The request in progress, for code that has no request at hand (Flask's global `session`). */
export const requestContext = new AsyncLocalStorage<RequestSession>();

/** Finds or creates the request's session state; the latest platform response object wins. */
export function attachRequestSession(manager: SessionManager, request: http.PlatformRequest, response: http.PlatformResponse): RequestSession {
  const key = http.rawRequest(request);
  let state = requests.get(key);
  if (!state) {
    state = new RequestSession(manager, request, response);
    requests.set(key, state);
  } else if (response.raw !== undefined) {
    // Fastify's reply, seen by guards and the interceptor, replaces the raw response the
    // middleware saw, so headers go through Fastify's own header handling.
    state.response = response;
  }
  return state;
}

/** The state of a request, if the session machinery has seen it. */
export function findRequestSession(request: http.PlatformRequest): RequestSession | undefined {
  return requests.get(http.rawRequest(request));
}
