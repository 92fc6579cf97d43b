import { inspect } from 'node:util';
import { SessionDataError } from '../errors';
import type { Session } from '../interfaces/session.interface';
import { startOver as startOverSession } from '../session/session-object';
import type { RequestSessionInfo, RequestSessionView, SessionCallback } from './express-session-view.interface';
import { SessionCookieView } from './session-cookie-view';

interface ViewState {
  readonly session: Session;
  /** After `regenerate()`, the view the request held before keeps a copy of the old data. */
  detached?: Map<string, unknown>;
}

/** The view currently in use for a session: `regenerate()` replaces it, as express-session does. */
const liveViews = new WeakMap<Session, RequestSessionView>();
const states = new WeakMap<object, ViewState>();

/**
 * The object that becomes `req.session` for `session`. One per session: calling it again returns
 * the same view (or, after `regenerate()`, the new one), so `req.session`, `@nestjs/common`'s
 * `@Session()` and the module all hand out one object.
 */
export function createRequestSessionView<T extends object = Record<string, any>>(session: Session<T>, info: RequestSessionInfo): RequestSessionView<T> {
  const existing = liveViews.get(session as Session);
  if (existing) return existing as RequestSessionView<T>;
  const view = buildView(session as Session, info);
  liveViews.set(session as Session, view);
  return view as RequestSessionView<T>;
}

/** The view that replaced `view` if `regenerate()` ran since, else `view` itself. */
export function currentRequestSessionView<V>(view: V): V {
  const state = typeof view === 'object' && view !== null ? states.get(view) : undefined;
  return state ? (liveViews.get(state.session) as V) : view;
}

function buildView(session: Session, info: RequestSessionInfo): RequestSessionView {
  const state: ViewState = { session };
  const cookie = new SessionCookieView(session, info.lifetime, info.cookie);

  // Data access goes through the session, so nested changes are found at save time; a view
  // left behind by regenerate() reads the copy taken then, as express-session's old object does.
  const data = {
    get: (key: string) => (state.detached ? state.detached.get(key) : session.get(key)),
    has: (key: string) => (state.detached ? state.detached.has(key) : session.has(key)),
    keys: () => (state.detached ? [...state.detached.keys()] : session.keys()),
    set: (key: string, value: unknown) => {
      // JSON has no undefined; @fastify/passport logs out with set(key, undefined).
      if (state.detached) {
        if (value === undefined) state.detached.delete(key);
        else state.detached.set(key, value);
      } else if (value === undefined) session.delete(key);
      else session.set(key, value);
    },
    delete: (key: string) => (state.detached ? state.detached.delete(key) : session.delete(key)),
  };

  const startOver = async (keep: string[]): Promise<void> => {
    const carried = keep.filter((key) => session.has(key)).map((key) => [key, session.get(key)] as const);
    const previous = new Map(session.keys().map((key) => [key, session.get(key)]));
    // destroy() deletes the old record now and starts a new empty session under a new id with
    // the module's defaults: exactly express-session's regenerate, and no data of the previous
    // user survives a logout.
    await startOverSession(session);
    for (const [key, value] of carried) session.set(key, value);
    state.detached = previous;
    liveViews.set(session, buildView(session, info));
  };

  const toJSON = (): Record<string, any> => Object.fromEntries(data.keys().map((key) => [key, data.get(key)]));
  const methods: Record<string, unknown> = {
    get: (key: string, fallback?: unknown) => (data.has(key) ? data.get(key) : fallback),
    set: (key: string, value: unknown) => (data.set(key, value), view),
    has: (key: string) => data.has(key),
    delete: (key: string) => data.delete(key),
    pop: (key: string, fallback?: unknown) => session.pop(key, fallback),
    clear: () => session.clear(),
    keys: () => data.keys(),
    toJSON,
    data: toJSON,
    getFlashedMessages: (options?: never) => session.getFlashedMessages(options),
    csrfToken: () => session.csrfToken(),
    regenerate: (first?: string[] | SessionCallback, second?: SessionCallback) =>
      typeof first === 'function' ? settle(startOver([]), first, view) : settle(startOver(first ?? []), second, view),
    destroy: (callback?: SessionCallback) => settle(session.destroy(), callback, view),
    save: (callback?: SessionCallback) => settle(session.save(), callback, view),
    reload: (callback?: SessionCallback) => settle(Promise.resolve(), callback, view),
    touch: () => view,
    [inspect.custom as unknown as string]: toJSON,
  };

  const accessors: Record<string, () => unknown> = {
    id: () => session.id,
    sessionId: () => session.id,
    cookie: () => cookie,
    isNew: () => session.isNew,
    modified: () => session.modified,
    accessed: () => session.accessed,
    permanent: () => session.permanent,
  };
  const writable: Record<string, (value: any) => void> = {
    modified: (value: boolean) => (session.modified = value),
    permanent: (value: boolean) => (session.permanent = value),
    // express-session apps assign `req.session.cookie.maxAge`; replacing the whole cookie is ignored.
    cookie: () => undefined,
  };
  const reserved = (key: string | symbol) => Object.hasOwn(methods, key) || Object.hasOwn(accessors, key);
  /** Members replaced by a function for this request (middleware that wraps `save`, say). */
  const replaced = new Map<string, unknown>();

  const view: RequestSessionView = new Proxy({} as RequestSessionView, {
    get(target, key) {
      if (typeof key === 'string' && replaced.has(key)) return replaced.get(key);
      if (Object.hasOwn(accessors, key)) return accessors[key as string]();
      if (Object.hasOwn(methods, key)) return methods[key as string];
      // Symbols are not data (libraries tag objects with them): they live on the target.
      if (typeof key === 'symbol') return Reflect.get(target, key);
      // `await` and promise resolution probe `then`; it must not count as reading the session.
      if (key === 'then') return undefined;
      return data.get(key);
    },
    set(target, key, value) {
      if (typeof key === 'symbol') return Reflect.set(target, key, value);
      if (Object.hasOwn(writable, key)) writable[key](value);
      else if (!reserved(key)) data.set(key, value);
      else if (typeof value === 'function') replaced.set(key, value);
      else throw memberAssigned(key);
      return true;
    },
    has: (_target, key) => reserved(key) || (typeof key === 'string' && data.has(key)),
    deleteProperty(_target, key) {
      if (typeof key === 'string' && !reserved(key)) data.delete(key);
      return true;
    },
    ownKeys: () => data.keys(),
    getOwnPropertyDescriptor(_target, key) {
      if (typeof key !== 'string' || reserved(key) || !data.has(key)) return undefined;
      return { value: data.get(key), writable: true, enumerable: true, configurable: true };
    },
    defineProperty(_target, key, descriptor) {
      if (typeof key === 'string' && !reserved(key) && 'value' in descriptor) data.set(key, descriptor.value);
      return true;
    },
  });
  states.set(view, state);
  return view;
}

function memberAssigned(key: string): SessionDataError {
  return new SessionDataError(
    `req.session.${key} is a member of the session object, not a data property: keep the value under another name, or store it with req.session.set(${JSON.stringify(key)}, value) and read it with req.session.get(${JSON.stringify(key)}).`,
  );
}

/** express-session's callback form when a callback is given, the promise form otherwise. */
function settle<V>(promise: Promise<void>, callback: SessionCallback | undefined, view: V): V | Promise<void> {
  if (typeof callback !== 'function') return promise;
  promise.then(
    () => callback(),
    (error: unknown) => callback(error),
  );
  return view;
}
