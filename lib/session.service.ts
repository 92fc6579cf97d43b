import { ExecutionContext, Injectable } from '@nestjs/common';
import { SessionDevices } from './devices/session-devices';
import { SessionContextError, SessionStoreUnsupportedError } from './errors';
import type { SessionDevice } from './interfaces/devices-options.interface';
import type { Session } from './interfaces/session.interface';
import { requestContext } from './session/request-context';
import { RequestSession } from './session/request-session';
import { ServerSessionInterface } from './session/server-session.interface';
import { SessionInterface } from './session/session-interface';
import { type UserId, userIdOfValue } from './session/user-id';

export type { UserId } from './session/user-id';
import { gatewayRequest, noRequestError, noSocketRequestError } from './transports/context-request';
import { stateFor } from './transports/context-state';
import { socketTransport } from './transports/socket-request';

/** Options of {@link SessionService.destroyUserSessions}. */
export interface DestroyUserSessionsOptions {
  /** A session id to keep, usually the current one ("log out my other devices"). @default undefined */
  except?: string | null;
}

/**
 * The session outside controller parameters. Guards run before interceptors, so a guard opens
 * the session with `fromContext()`; with the `asyncContext` option, any provider the handler
 * calls reaches the current request's session with `current()`, the way Flask's global `session`
 * works. Changes made there are saved by the interceptor after the handler, like any other.
 */
@Injectable()
export class SessionService {
  private devices?: SessionDevices;

  constructor(private readonly sessions: SessionInterface) {}

  /**
   * The session of the call an `ExecutionContext` describes (guards, interceptors, filters): an
   * HTTP request, a GraphQL resolver's HTTP request, or a gateway message (read from the store for
   * each message). Rejects with `SessionTransportError` where the transport has no request (RPC).
   */
  fromContext<T extends object = Record<string, any>>(context: ExecutionContext): Promise<Session<T>> {
    const state = stateFor(this.sessions, context);
    if (!state) return Promise.reject(noRequestError(context));
    return state.load() as unknown as Promise<Session<T>>;
  }

  /**
   * The session of a gateway client, from its handshake cookie, outside a message: in
   * `handleConnection(client)`, which Nest calls without guards, interceptors or parameter
   * decorators. Read from the store now; a change is saved by `await session.save()` (nothing
   * saves it otherwise), with a socket's limits (see docs/transports.md).
   */
  fromSocket<T extends object = Record<string, any>>(client: object): Promise<Session<T>> {
    const request = gatewayRequest(client);
    if (!request) return Promise.reject(noSocketRequestError(client));
    return RequestSession.forSocket(this.sessions, request, socketTransport(client)).load() as unknown as Promise<Session<T>>;
  }

  /**
   * A fresh CSRF token for the request an `ExecutionContext` describes (the injectable twin of
   * `session.csrfToken()`), e.g. for a guard or interceptor that puts it on every page's model.
   */
  async csrfToken(context: ExecutionContext): Promise<string> {
    return (await this.fromContext(context)).csrfToken();
  }

  /** The session of the request in progress, from the handler's call chain (needs `asyncContext: true`). */
  current<T extends object = Record<string, any>>(): Promise<Session<T>> {
    if (!this.sessions.options.asyncContext) {
      return Promise.reject(
        new SessionContextError('SessionService.current() needs the asyncContext option (off by default): turn it on, or use @Session() in handlers and fromContext() in guards.'),
      );
    }
    const state = requestContext.getStore();
    if (!state) {
      return Promise.reject(
        new SessionContextError(
          'SessionService.current() was called outside a handler of an HTTP request, a GraphQL resolver or a gateway message handled by SessionModule (guards run before the context is entered: use fromContext() there; GraphQL field resolvers enter it only with fieldResolverEnhancers: ["interceptors"]; microservice handlers have no session).',
        ),
      );
    }
    return state.load() as unknown as Promise<Session<T>>;
  }

  /**
   * Ids of a user's live sessions (needs the `userKey` option). `42n`, `42` and `'42'` name the
   * same user; any other type is refused with a `SessionDataError`. A session id is a bearer
   * credential: never render these into a page or send them to a client (anyone who reads one is
   * logged in as that user). For a "your devices" page use {@link listDevices}, which shows handles.
   */
  async listUserSessions(userId: UserId): Promise<string[]> {
    const { store, calls, options } = this.server();
    const text = userIdOfValue(userId, options.userKey as string, true);
    return calls.run('findByUser', () => (store.findByUser as (userId: string) => Promise<string[]>).call(store, text));
  }

  /**
   * Logs a user out everywhere: destroys every session of the user, or all but `except`.
   * Returns how many were destroyed.
   */
  async destroyUserSessions(userId: UserId, options: DestroyUserSessionsOptions = {}): Promise<number> {
    const { store, calls } = this.server();
    const ids = (await this.listUserSessions(userId)).filter((id) => id !== options.except);
    await Promise.all(ids.map((id) => calls.run('destroy', () => store.destroy(id))));
    this.sessions.events.emit('session.user-logged-out', () => ({ userId: String(userId), count: ids.length, except: options.except }));
    return ids.length;
  }

  /**
   * The sessions of a user as "your devices" shows them: creation and last-seen times, the opt-in
   * user agent and address, and an opaque handle instead of the session id. Pass the current
   * session to list its user's sessions with the current one marked (an empty list when it has
   * no user), or a user id (admin pages).
   */
  async listDevices(owner: Session | UserId): Promise<SessionDevice[]> {
    const { userId, currentId } = this.ownerOf(owner);
    return userId === null ? [] : this.deviceRegistry().list(userId, currentId);
  }

  /**
   * Ends the session that `handle` names, if it is one of the owner's live sessions; revoking the
   * current session logs this request out (`session.destroy()`). Returns `false`, revoking
   * nothing, for a malformed handle, another user's, or one whose session has already ended.
   */
  async revokeDevice(owner: Session | UserId, handle: string): Promise<boolean> {
    const { userId, currentId } = this.ownerOf(owner);
    if (userId === null) return false;
    const devices = this.deviceRegistry();
    const id = await devices.resolve(userId, handle);
    if (id === null) return false;
    if (id === currentId && typeof owner === 'object') await owner.destroy();
    else await this.endDevice(devices, id, userId);
    return true;
  }

  /** Logs the current session's user out of every other session ("log out my other devices"); returns how many ended. */
  async revokeOtherDevices(current: Session): Promise<number> {
    const { userId, currentId } = this.ownerOf(current);
    if (userId === null) return 0;
    const devices = this.deviceRegistry();
    const others = (await devices.find(userId)).filter(({ id }) => id !== currentId);
    await Promise.all(others.map(({ id }) => this.endDevice(devices, id, userId)));
    return others.length;
  }

  /** Ends another device's session, reported as `session.destroyed` like a logout on that device. */
  private async endDevice(devices: SessionDevices, id: string, userId: string): Promise<void> {
    await devices.destroy(id);
    this.sessions.events.emit('session.destroyed', () => ({ sessionId: id, userId }));
  }

  private deviceRegistry(): SessionDevices {
    return (this.devices ??= new SessionDevices(this.server()));
  }

  /** The user id (as the user index keeps it) and session id of an owner. */
  private ownerOf(owner: Session | UserId): { userId: string | null; currentId: string | null } {
    const key = this.server().options.userKey as string;
    if (typeof owner !== 'object' || owner === null) return { userId: userIdOfValue(owner, key, true), currentId: null };
    const value: unknown = owner.get(key);
    // A session without a user (or with a value no user index holds) lists nothing and revokes nothing.
    const userId = typeof value === 'string' || typeof value === 'bigint' || (typeof value === 'number' && Number.isFinite(value)) ? userIdOfValue(value, key) : null;
    return { userId, currentId: owner.isNew ? null : owner.id };
  }

  private server(): ServerSessionInterface {
    const { sessions } = this;
    if (!(sessions instanceof ServerSessionInterface) || !sessions.options.userKey || !sessions.store.findByUser) {
      throw new SessionStoreUnsupportedError("listing and destroying a user's sessions needs the `userKey` option and a server-side store with a user index.");
    }
    return sessions;
  }
}
