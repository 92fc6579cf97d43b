/** Options of {@link Session.getFlashedMessages}. */
export interface FlashedMessagesOptions {
  /** Return `[category, message]` pairs instead of messages. @default false */
  withCategories?: boolean;
  /** Only return messages of these categories. @default [] (all) */
  categoryFilter?: string[];
}

/** Keys of the session data, as strings. */
export type SessionKey<T> = Extract<keyof T, string>;

/**
 * The session of the current request: a dict-like object over the user's data, as in Flask.
 * Obtain it with nest-session's `@Session()` (not `@nestjs/common`'s `@Session()`, which returns
 * express-session's `req.session`), from a guard with `SessionService.fromContext()`, or from any
 * provider with `SessionService.current()`.
 *
 * Values survive the round trip when they are JSON data, `Date`, `Buffer`/`Uint8Array`, `bigint`,
 * `Map` or `Set`. Changes inside a value (`session.get('cart').push(item)`) are detected and
 * saved without setting `modified`.
 *
 * @typeParam T the shape of the data, e.g. `Session<{ userId: number; cart: string[] }>`.
 */
export interface Session<T extends object = Record<string, any>> {
  /** The session id (server-side stores), or `null` for the cookie store, which has none. */
  readonly id: string | null;
  /** True until the session has been saved once: the request carried no valid session. */
  readonly isNew: boolean;
  /**
   * True when the session has changes to save. Set it to `true` to force a save (and a fresh
   * cookie) even when nothing changed.
   */
  modified: boolean;
  /** True when the request read or wrote the session; such responses get `Vary: Cookie`. */
  readonly accessed: boolean;
  /** A permanent session's cookie carries Expires = now + lifetime; others end with the browser. */
  permanent: boolean;

  /** The value of `key`, or `fallback` (not stored) when it is absent. */
  get<K extends SessionKey<T>>(key: K): T[K] | undefined;
  get<K extends SessionKey<T>>(key: K, fallback: T[K]): T[K];
  /** Sets `key`; returns the session. */
  set<K extends SessionKey<T>>(key: K, value: T[K]): this;
  has(key: SessionKey<T>): boolean;
  /** Removes `key`; true when it was there. */
  delete(key: SessionKey<T>): boolean;
  /** Removes `key` and returns its value (or `fallback`). */
  pop<K extends SessionKey<T>>(key: K, fallback?: T[K]): T[K] | undefined;
  /** Removes every key; an emptied session is deleted from the store and its cookie deleted. */
  clear(): void;
  /** The keys present, without the internal `_permanent` and `_csrf`. */
  keys(): SessionKey<T>[];
  /** A plain object with every key and value. */
  toJSON(): Partial<T>;

  /**
   * Moves the data to a new session id and deletes the old entry. Call it on login and on every
   * privilege change, so an id planted before login (session fixation) is worth nothing after it.
   */
  regenerate(): Promise<void>;
  /**
   * Deletes the data and the store entry now and deletes the cookie on the response. Anything
   * written afterwards (a "logged out" flash) goes into a brand-new session with a new id.
   */
  destroy(): Promise<void>;
  /**
   * Saves now and sets the cookie on the response. The interceptor does this after every handler;
   * call it yourself only in handlers that send the response themselves (`@Res()`), before sending.
   */
  save(): Promise<void>;

  /**
   * A CSRF token for this session, for a form's hidden `csrf_token` field or a script's
   * `X-CSRF-Token` header. Each call returns different bytes (masked against BREACH); every one is
   * good until the session's secret changes (`regenerate()`, `destroy()`, `clear()`). The first call
   * creates the secret, which is a write: the session is saved and gets its cookie.
   */
  csrfToken(): string;

  /** Queues a message for the next request that reads flashes (Flask's `flash`). */
  flash(message: string, category?: string): void;
  /** Pops the queued messages (Flask's `get_flashed_messages`); repeated calls in one request agree. */
  getFlashedMessages(options?: FlashedMessagesOptions & { withCategories?: false }): string[];
  getFlashedMessages(options: FlashedMessagesOptions & { withCategories: true }): [string, string][];
}
