import { Logger } from '@nestjs/common';
import { LateCookieError, SessionContextError } from '../errors';
import type { Session } from '../interfaces/session.interface';
import * as http from '../utils/http';
import type { OpenedSession, SessionInterface } from './session-interface';
import { SessionObject, type SessionLifecycle } from './session-object';

const logger = new Logger('SessionModule');

/** Module-private key of the per-request state on Node's request object. */
const REQUEST_SESSION = Symbol('nest-session.request-session');

/** What every request of one application shares: its session interface and how sessions are shown. */
export interface SessionRuntime {
  readonly sessions: SessionInterface;
  /** Wraps the session object users receive (the `req.session` view when `requestSession` is on). */
  readonly present?: (session: SessionObject) => Session;
}

/**
 * The session state of one request, kept on the request itself (so two applications in one
 * process never share it). It opens the session on first use — a request that never touches the
 * session costs no store call and sends no cookie — and saves it when the interceptor commits.
 * Guards, interceptors, providers, `@Session()` and `req.session` all reach the same one.
 */
export class RequestSession implements SessionLifecycle {
  private opened?: OpenedSession;
  private opening?: Promise<Session>;
  private committing?: Promise<void>;
  /** The object users receive, once the session is open. */
  session?: Session;

  private constructor(
    private readonly runtime: SessionRuntime,
    readonly request: http.PlatformRequest,
    public response: http.PlatformResponse,
  ) {}

  /** Finds or creates the request's state; the latest platform response object wins. */
  static attach(runtime: SessionRuntime, request: http.PlatformRequest, response: http.PlatformResponse): RequestSession {
    const raw = http.rawRequest(request) as unknown as Record<symbol, RequestSession | undefined>;
    const existing = raw[REQUEST_SESSION];
    if (!existing) return (raw[REQUEST_SESSION] = new RequestSession(runtime, request, response));
    // Fastify's reply, seen by guards and the interceptor, replaces the raw response a
    // middleware saw, so headers go through Fastify's own header handling.
    if (response !== existing.response && response.raw !== undefined) existing.response = response;
    return existing;
  }

  /** The state of a request, if the session machinery has seen it. */
  static find(request: http.PlatformRequest): RequestSession | undefined {
    return (http.rawRequest(request) as unknown as Record<symbol, RequestSession | undefined>)[REQUEST_SESSION];
  }

  /** Opens the session once; concurrent callers share the same read. */
  load(): Promise<Session> {
    this.opening ??= this.runtime.sessions.open(this.request).then(
      (opened) => {
        this.opened = opened;
        const session = new SessionObject(opened.state, this);
        return (this.session = this.runtime.present ? this.runtime.present(session) : session);
      },
      (error: unknown) => {
        this.opening = undefined;
        throw error;
      },
    );
    return this.opening;
  }

  /** True once the session was opened: only then is there anything to save. */
  get isOpen(): boolean {
    return this.opened !== undefined;
  }

  /** Saves what changed; commits of one request run one after the other. */
  commit(): Promise<void> {
    const run = () => this.saveNow();
    this.committing = this.committing ? this.committing.then(run, run) : run();
    return this.committing;
  }

  regenerate(): Promise<void> {
    return this.runtime.sessions.regenerate(this.openedState());
  }

  destroy(): Promise<void> {
    return this.runtime.sessions.destroy(this.openedState());
  }

  save(): Promise<void> {
    return this.commit();
  }

  private async saveNow(): Promise<void> {
    if (!this.opened) return;
    try {
      await this.runtime.sessions.save(this.opened, this.request, this.response);
    } catch (error) {
      if (!(error instanceof LateCookieError)) throw error;
      logger.error(`${error.message} (${this.request.method} ${this.request.url})`);
    }
  }

  private openedState() {
    if (!this.opened) throw new SessionContextError('the session is not open yet');
    return this.opened.state;
  }
}
