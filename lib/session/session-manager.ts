import { Logger } from '@nestjs/common';
import type { ValueCodec } from '../codecs/codec.interface';
import { TaggedJsonCodec } from '../codecs/tagged-json.codec';
import { SessionStoreUnavailableError, SessionTooLargeError } from '../errors/session.errors';
import { CookieSessionStore } from '../stores/cookie-session.store';
import type { SessionStore, StoredData } from '../stores/session-store';
import { readCookies, type CookieAttributes } from '../utils/cookie';
import { generateSessionId, SessionIdSigner } from '../utils/crypto';
import * as http from '../utils/http';
import type { ResolvedSessionOptions } from '../utils/resolve-options';
import { hasChanges, PERMANENT_KEY, SessionObject, type SessionController } from './session-object';
import { CookieWriter, LateCookieError } from './session-cookie';

/** Browsers keep at most 4096 bytes of name and value per cookie. */
const COOKIE_LIMIT = 4096;
/** Clock skew tolerated between servers that issue and check cookie timestamps. */
const CLOCK_SKEW = 30_000;

/** A session as it was opened for one request. */
export interface OpenedSession {
  session: SessionObject;
  /** Read failed and `onStoreError` is 'empty': serve it, never write it. */
  detached: boolean;
  /** The request carried a cookie of our name (valid or not). */
  cookieSent: boolean;
  /** The cookie verified with an older secret: send it again, signed with the current one. */
  resign: boolean;
}

/**
 * Flask's `open_session` and `save_session`, platform-neutral: reads the cookie, loads the
 * session, and after the handler decides what to write, to the store and to the response.
 * One instance per application; per-request state lives in `RequestSession`.
 */
export class SessionManager {
  private readonly logger = new Logger('SessionModule');
  private readonly signer: SessionIdSigner;
  private readonly values: ValueCodec;
  readonly cookieStore?: CookieSessionStore;

  constructor(
    readonly options: ResolvedSessionOptions,
    readonly store: SessionStore,
  ) {
    this.signer = new SessionIdSigner(options.secrets);
    this.cookieStore = store instanceof CookieSessionStore ? store : undefined;
    this.values = this.cookieStore?.codec.values ?? new TaggedJsonCodec(options.maxDepth);
  }

  /** Opens the session of a request: a verified one, or a fresh empty one. */
  async open(request: http.PlatformRequest, controller: SessionController): Promise<OpenedSession> {
    const now = Date.now();
    const cookies = readCookies(http.cookieHeader(request), this.options.cookie.name);
    const opened = (session: SessionObject, resign = false, detached = false): OpenedSession => ({
      session,
      detached,
      cookieSent: cookies.length > 0,
      resign,
    });
    const fresh = () => new SessionObject(this.freshOrigin(now), this.values, controller);

    if (this.cookieStore) {
      for (const value of cookies) {
        const decoded = this.cookieStore.codec.decode(value);
        if (!decoded || !this.alive(decoded.createdAt, decoded.issuedAt, now) || !this.decodable(decoded.data)) continue;
        const origin = { id: null, isNew: false, data: decoded.data, createdAt: decoded.createdAt, touchedAt: decoded.issuedAt };
        return opened(new SessionObject(origin, this.values, controller), decoded.keyIndex > 0);
      }
      return opened(fresh());
    }

    // Server-side: only ids this server signed ever reach the store (strict mode).
    const signed = cookies.map((value) => this.signer.unsign(value)).find((result) => result !== null);
    if (!signed) return opened(fresh());
    let record;
    try {
      record = await this.call('get', () => this.store.get(signed.id));
    } catch (error) {
      if (this.options.onStoreError === 'empty') return opened(fresh(), false, true);
      throw error;
    }
    if (!record) return opened(fresh());
    if (!this.alive(record.createdAt, record.touchedAt, now)) {
      void this.call('destroy', () => this.store.destroy(signed.id)).catch(() => undefined);
      return opened(fresh());
    }
    const origin = { id: signed.id, isNew: false, data: record.data, createdAt: record.createdAt, touchedAt: record.touchedAt };
    return opened(new SessionObject(origin, this.values, controller), signed.keyIndex > 0);
  }

  /**
   * Flask's `save_session`: writes what changed and sets, refreshes or deletes the cookie.
   * Returns without touching anything when the session was never used.
   */
  async commit(opened: OpenedSession, request: http.PlatformRequest, response: http.PlatformResponse): Promise<void> {
    const { session } = opened;
    if (opened.detached) return;
    const now = Date.now();
    const permanent = session.permanent;
    const refresh = permanent && this.options.refreshEachRequest;
    const cookie = new CookieWriter(this, request, response, session.accessed);
    // A new session, or a cookie-store session, exists only in the cookie it is about to get:
    // with the response gone, saving it would only leave an orphan record behind.
    const late = http.headersSent(response);
    // Each touched value is encoded once per commit: the change-set and the full data together.
    const snapshot = session.snapshot();
    const { data } = snapshot;
    const modified = session.saveForced || hasChanges(snapshot);

    if (this.cookieStore) {
      if (session.isEmpty()) {
        if (opened.cookieSent && (modified || session.destroyed)) cookie.remove();
        return;
      }
      if (!(modified || session.regenerated || session.isNew || refresh || opened.resign || this.idleRefreshDue(session, now))) return;
      if (late) throw new LateCookieError();
      const value = this.cookieStore.codec.encode({ data, createdAt: session.createdAt }, now);
      const size = this.options.cookie.name.length + 1 + value.length;
      if (size > COOKIE_LIMIT) {
        throw new SessionTooLargeError(size, COOKIE_LIMIT, 'Browsers drop larger cookies: keep less in the session or configure a server-side store.');
      }
      cookie.set(value, permanent, now);
      session.markSaved(data, now);
      opened.resign = false;
      return;
    }

    const id = session.id as string;
    if (session.isNew) {
      if (session.isEmpty()) {
        if (opened.cookieSent && session.destroyed) cookie.remove();
        return;
      }
      if (late) throw new LateCookieError();
      this.checkSize(data);
      await this.call('save', () =>
        this.store.save(id, { create: true, set: data, unset: [], createdAt: session.createdAt, touchedAt: now, ttl: this.options.lifetime, userId: this.userIdOf(data) }),
      );
      cookie.set(this.signer.sign(id), permanent, now);
      session.markSaved(data, now);
      return;
    }

    if (modified) {
      const changes = { set: session.saveForced ? { ...data } : snapshot.set, unset: snapshot.unset };
      this.checkSize(data);
      const outcome = await this.call('save', () =>
        this.store.save(id, {
          create: false,
          set: changes.set,
          unset: changes.unset,
          createdAt: session.createdAt,
          touchedAt: now,
          ttl: this.options.lifetime,
          userId: this.userIdChange(changes.set, changes.unset),
        }),
      );
      if (outcome === 'saved') {
        cookie.set(this.signer.sign(id), permanent, now);
        session.markSaved(data, now);
        return;
      }
      // 'deleted': this save emptied the session, so its cookie goes. 'missing': another request
      // destroyed or regenerated it meanwhile and already sent the browser the right cookie (none
      // after a logout, the new id after a login); this late response must not overwrite that.
      if (outcome === 'deleted') cookie.remove();
      session.reset(generateSessionId(), now, this.defaultData());
      return;
    }

    if (refresh || this.idleRefreshDue(session, now)) {
      if (now - session.touchedAt >= this.touchInterval()) {
        const alive = await this.call('touch', () => this.store.touch(id, now, this.options.lifetime));
        if (!alive) {
          // Gone meanwhile (see 'missing' above): leave the cookie to the request that ended it.
          session.reset(generateSessionId(), now, this.defaultData());
          return;
        }
        session.markSaved(data, now);
      }
      if (refresh) cookie.set(this.signer.sign(id), permanent, now);
    } else if (opened.resign) {
      cookie.set(this.signer.sign(id), permanent, now);
    }
    opened.resign = false;
  }

  /** Destroys the stored session now (logout); the request continues with a fresh one. */
  async destroy(session: SessionObject): Promise<void> {
    const now = Date.now();
    if (!this.cookieStore && !session.isNew && session.id) {
      const id = session.id;
      await this.call('destroy', () => this.store.destroy(id));
    }
    session.reset(this.cookieStore ? null : generateSessionId(), now, this.defaultData());
    session.destroyed = true;
  }

  /** Moves the data to a new id and deletes the old record (fixation defence on login). */
  async regenerate(session: SessionObject): Promise<void> {
    if (!this.cookieStore && !session.isNew && session.id) {
      const id = session.id;
      await this.call('destroy', () => this.store.destroy(id));
    }
    session.renew(this.cookieStore ? null : generateSessionId(), Date.now());
  }

  /** Runs one store call under the `storeTimeout`, turning any failure into a typed 503. */
  async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${this.options.storeTimeout} ms`)), this.options.storeTimeout);
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (error) {
      this.logger.error(`session store ${operation} failed: ${(error as Error)?.message ?? error}`);
      throw new SessionStoreUnavailableError(operation, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Cookie attributes for this request (`secure: 'auto'` follows the request's protocol). */
  cookieAttributes(request: http.PlatformRequest, expires?: Date): CookieAttributes {
    const { cookie } = this.options;
    return {
      path: cookie.path,
      domain: cookie.domain,
      expires,
      httpOnly: true,
      secure: cookie.secure === 'auto' ? http.isSecureRequest(request) : cookie.secure,
      sameSite: cookie.sameSite,
      partitioned: cookie.partitioned,
    };
  }

  private freshOrigin(now: number) {
    return { id: this.cookieStore ? null : generateSessionId(), isNew: true, data: this.defaultData(), createdAt: now, touchedAt: now };
  }

  private defaultData(): StoredData {
    return this.options.permanent ? { [PERMANENT_KEY]: true } : {};
  }

  /**
   * A cookie's data came from the client: signed, but parsed only now. Every value is decoded once
   * up front, so a refused key, a bad tag or data nested too deep yields a fresh session here
   * instead of an error later in the handler. (Server-side records were encoded by this library.)
   */
  private decodable(data: StoredData): boolean {
    try {
      for (const key of Object.keys(data)) this.values.decode(data[key]);
      return true;
    } catch {
      return false;
    }
  }

  /** Lifetime, idle and absolute timeouts, all enforced on the server. */
  private alive(createdAt: number, touchedAt: number, now: number): boolean {
    const { lifetime, idleTimeout, absoluteTimeout } = this.options;
    if (touchedAt > now + CLOCK_SKEW || now - touchedAt > lifetime) return false;
    if (idleTimeout && now - touchedAt > idleTimeout) return false;
    if (absoluteTimeout && now - createdAt > absoluteTimeout) return false;
    return true;
  }

  /** With an idle timeout, an active session is touched before a quarter of it has passed. */
  private idleRefreshDue(session: SessionObject, now: number): boolean {
    return this.options.idleTimeout > 0 && now - session.touchedAt >= this.options.idleTimeout / 4;
  }

  /**
   * Sliding expiry without a store write per request: the record's expiry is renewed at most
   * once per interval (a tenth of the shortest timeout, at most a minute), so it ends at most that
   * much before the cookie does.
   */
  private touchInterval(): number {
    const timeouts = [this.options.lifetime, this.options.idleTimeout].filter((t) => t > 0);
    return Math.min(60_000, ...timeouts.map((t) => t / 10));
  }

  private checkSize(data: StoredData): void {
    const size = Buffer.byteLength(JSON.stringify(data));
    if (size > this.options.maxSize) {
      throw new SessionTooLargeError(size, this.options.maxSize, 'Keep less in the session, or raise the maxSize option.');
    }
  }

  private userIdOf(data: StoredData): string | undefined {
    const key = this.options.userKey;
    if (!key || data[key] === undefined || data[key] === null) return undefined;
    return String(data[key]);
  }

  private userIdChange(set: StoredData, unset: string[]): string | null | undefined {
    const key = this.options.userKey;
    if (!key) return undefined;
    if (Object.hasOwn(set, key)) return set[key] === null ? null : String(set[key]);
    return unset.includes(key) ? null : undefined;
  }
}
