import { LateCookieError, SessionContextError, SessionSocketError, type CsrfFailure } from '../errors';
import type { Session } from '../interfaces/session.interface';
import * as http from '../utils/http';
import { exposeCsrfToken } from './expose-csrf-token';
import type { OpenedSession, SessionInterface } from './session-interface';
import { SessionObject, type SessionLifecycle } from './session-object';
import { emitCreated, emitDestroyed, emitRegenerated, identityOf, logLateCookie, reportOpened, reportUnavailable } from './session-reports';
import { SOCKET_RESPONSE, socketSaveAllowed } from './socket-save';

/** Module-private key of the per-request state on Node's request object. */
const REQUEST_SESSION = Symbol('nest-session.request-session');

/** Per-message state of gateway messages, keyed by the arguments array Nest hands guards and interceptors. */
const messages = new WeakMap<object, RequestSession>();

/**
 * When a session is saved: after the handler (`http`, the interceptor commits), once when the
 * response of a GraphQL request is sent (however many resolvers used it), or after a gateway
 * message (`socket`, where no cookie can be sent).
 */
export type SaveMode = 'http' | 'graphql' | 'socket';

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
  mode: SaveMode = 'http';
  /** An `@Sse()` route: its headers leave before the first event, so a late cookie is explained as such. */
  eventStream = false;
  /** GraphQL: what makes the response wait for the commit, run when the session is first opened; an error when it cannot. */
  private arm?: (state: RequestSession) => Error | undefined;

  private constructor(
    private readonly sessions: SessionInterface,
    readonly request: http.PlatformRequest,
    public response: http.PlatformResponse,
    /** Sockets: `socket.io` or `ws`, for error messages. */
    readonly transport?: string,
  ) {}

  /** Finds or creates the request's state; the latest platform response object wins. */
  static attach(sessions: SessionInterface, request: http.PlatformRequest, response: http.PlatformResponse): RequestSession {
    const raw = http.rawRequest(request) as unknown as Record<symbol, RequestSession | undefined>;
    const existing = raw[REQUEST_SESSION];
    if (!existing) return (raw[REQUEST_SESSION] = new RequestSession(sessions, request, response));
    // Fastify's reply, seen by guards and the interceptor, replaces the raw response a
    // middleware saw, so headers go through Fastify's own header handling.
    if (response !== existing.response && response?.raw !== undefined) existing.response = response;
    return existing;
  }

  /**
   * The state of one gateway message, shared by its guards and interceptor through Nest's
   * arguments array. Each message opens the session anew from the store, so a logout made
   * elsewhere is seen at the socket's next message.
   */
  static forMessage(sessions: SessionInterface, args: object, request: http.PlatformRequest, transport: string): RequestSession {
    let state = messages.get(args);
    if (!state) messages.set(args, (state = RequestSession.forSocket(sessions, request, transport)));
    return state;
  }

  /** A socket's session outside any message (`handleConnection`): saved only by `session.save()`. */
  static forSocket(sessions: SessionInterface, request: http.PlatformRequest, transport: string): RequestSession {
    const state = new RequestSession(sessions, request, SOCKET_RESPONSE, transport);
    state.mode = 'socket';
    return state;
  }

  /**
   * GraphQL: one save per HTTP request, when its response is sent, not after each resolver.
   * `arm` makes the response wait for that save; it runs when the session is first opened, so a
   * GraphQL request that never uses the session is never held.
   */
  deferCommit(arm: (state: RequestSession) => Error | undefined): void {
    if (this.mode === 'graphql') return;
    this.mode = 'graphql';
    this.arm = arm;
    // Opened before GraphQL ran (requestSession: true): the middleware already read it.
    if (this.opening) arm(this);
  }

  /** The state of a request, if the session machinery has seen it. */
  static find(request: http.PlatformRequest): RequestSession | undefined {
    return (http.rawRequest(request) as unknown as Record<symbol, RequestSession | undefined>)[REQUEST_SESSION];
  }

  /** Opens the session once; concurrent callers share the same read. */
  load(): Promise<Session> {
    const refused = this.opening ? undefined : this.arm?.(this);
    if (refused) return Promise.reject(refused);
    this.opening ??= this.sessions.open(this.request).then(
      (opened) => {
        this.opened = opened;
        reportOpened(this.sessions, opened);
        return (this.session = new SessionObject(opened.state, this));
      },
      (error: unknown) => {
        this.opening = undefined;
        reportUnavailable(this.sessions, error);
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

  async regenerate(): Promise<void> {
    if (this.mode === 'socket') throw new SessionSocketError('SESSION_SOCKET_REGENERATE', this.transport as string);
    const state = this.openedState();
    const before = identityOf(this.sessions, state);
    await this.sessions.regenerate(state);
    emitRegenerated(this.sessions, state, before);
  }

  async destroy(): Promise<void> {
    const state = this.openedState();
    const before = identityOf(this.sessions, state);
    await this.sessions.destroy(state);
    emitDestroyed(this.sessions, before);
  }

  /**
   * express-session's `regenerate()` (Passport's login): a new, empty session under a new id.
   * Ends the old one like `destroy()`, but is reported as a regeneration.
   */
  async startOver(): Promise<void> {
    const state = this.openedState();
    const before = identityOf(this.sessions, state);
    await this.sessions.destroy(state);
    state.regenerated = true;
    emitRegenerated(this.sessions, state, before);
  }

  save(): Promise<void> {
    // GraphQL saves once, as the response is sent: awaiting that here would wait for itself.
    if (this.mode === 'graphql') return Promise.resolve();
    return this.commit();
  }

  csrfToken(): string {
    return this.sessions.csrf.issue(this.openedState());
  }

  /** Opens the session and checks a token against it; reads only, writes nothing. */
  async checkCsrf(token: unknown): Promise<CsrfFailure | null> {
    await this.load();
    return this.sessions.csrf.check(this.openedState(), token);
  }

  private async saveNow(): Promise<void> {
    const opened = this.opened;
    if (!opened) return;
    if (this.mode === 'socket' && !socketSaveAllowed(opened.state, this.transport as string)) return;
    const { state } = opened;
    const { options } = this.sessions;
    if (!opened.detached && (options.csrf.cookieName || options.csrf.headerName)) exposeCsrfToken(options, this.sessions.csrf, state, this.request, this.response);
    // A session that was never saved, and not a regenerated one, is created by this save.
    const creating = state.origin.isNew && !state.regenerated;
    try {
      await this.sessions.save(opened, this.request, this.response);
      if (creating && !state.origin.isNew) emitCreated(this.sessions, state);
    } catch (error) {
      reportUnavailable(this.sessions, error);
      if (!(error instanceof LateCookieError)) throw error;
      logLateCookie(error, this.eventStream, this.request);
    }
  }

  private openedState() {
    if (!this.opened) throw new SessionContextError('the session is not open yet');
    return this.opened.state;
  }
}
