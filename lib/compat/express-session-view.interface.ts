import type { Session } from '../interfaces/session.interface';
import type { RequestSessionCookieInfo, SessionCookieView } from './session-cookie-view';

/*
 * The public shape of `req.session`, apart from the Proxy that implements it
 * (express-session-view.ts): these types are what applications and Passport compile against, so
 * they read on their own, and the implementation file stays about how the view behaves.
 */

/** What the view reports beyond the session itself (from the module's options). */
export interface RequestSessionInfo {
  /** Lifetime of a permanent session in milliseconds, reported as `cookie.maxAge`. */
  lifetime: number;
  /** Cookie attributes reported by `cookie.*`. @default the module's defaults */
  cookie?: RequestSessionCookieInfo;
}

/** Node-style callback of express-session's methods. */
export type SessionCallback = (error?: unknown) => void;

/**
 * The interface express-session and @fastify/session give `req.session`, as far as Passport,
 * @fastify/passport and common middleware use it.
 */
export interface RequestSessionCompat {
  /** express-session's `cookie`: readable, `maxAge`/`expires` assignments switch `permanent`. */
  readonly cookie: SessionCookieView;
  /** @fastify/session's name of `id`. */
  readonly sessionId: string | null;
  /**
   * A NEW EMPTY session under a new id; the old record is deleted now (express-session and
   * @fastify/session semantics, which Passport's login and logout rely on). `keep` (Fastify form)
   * lists keys carried over. Flask's data-keeping `regenerate()` is the one of nest-session's
   * `@Session()` object.
   */
  regenerate(callback: SessionCallback): this;
  regenerate(keep?: string[]): Promise<void>;
  regenerate(keep: string[], callback: SessionCallback): this;
  destroy(callback: SessionCallback): this;
  destroy(): Promise<void>;
  save(callback: SessionCallback): this;
  save(): Promise<void>;
  /** The session is read once per request; concurrent writes merge on save, so there is nothing to reload. */
  reload(callback: SessionCallback): this;
  reload(): Promise<void>;
  /** Expiry is refreshed by the module (`refreshEachRequest`, idle timeout): nothing to do here. */
  touch(): this;
  /** @fastify/secure-session's and @fastify/passport's name of `toJSON()`. */
  data(): Record<string, any>;
}

/**
 * `req.session`: nest-session's session (`get`, `set`, `getFlashedMessages`...) that also answers
 * as express-session's and @fastify/session's, with the top-level data keys as properties.
 *
 * The key rule: a property named like a member (`get`, `keys`, `data`, `cookie`, `regenerate`...,
 * `id`, `isNew`... the list is in docs/user-ids-and-cookie-rules.md) is that member. Assigning data to it throws a
 * `SessionDataError` that says to use `req.session.set(name, value)`, which stores it as a data
 * key like any other (read back with `get`); assigning a function replaces the member for this
 * request, as on a plain object. Every other name is data. `flash` is data, not a member, so
 * connect-flash's `req.session.flash` works; nest-session's `flash()` is on `@Session()`.
 */
export type RequestSessionView<T extends object = Record<string, any>> = Omit<Session<T>, 'regenerate' | 'destroy' | 'save' | 'flash'> & RequestSessionCompat & Record<string, any>;
