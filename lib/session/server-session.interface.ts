import { TaggedJsonCodec } from '../codecs/tagged-json.codec';
import { PERMANENT_KEY } from '../contract/session-keys';
import type { SessionStore, SessionWrite } from '../contract/session-store';
import { LateCookieError, SessionStoreUnavailableError } from '../errors';
import { generateSessionId, SessionIdSigner } from '../utils/crypto';
import * as http from '../utils/http';
import type { ResolvedSessionOptions } from '../utils/resolve-options';
import { lastSeenDue, trackDevice } from './device-tracking';
import { SessionInterface, type OpenedSession } from './session-interface';
import { hasChanges, SessionState, type SessionSnapshot } from './session-state';
import { checkSessionSize } from './session-size';
import { StoreCalls } from './store-calls';
import type { UserAdmission } from './user-admission';
import { userIdChange, userIdOfData } from './user-id';

/**
 * Flask-Session's `ServerSideSessionInterface`: the cookie holds only a signed random id and the
 * data lives in a {@link SessionStore}. Only ids this server signed ever reach the store (strict
 * mode), an unknown id is never adopted, and each save sends the store only what changed, which
 * it merges atomically, so concurrent requests keep each other's writes.
 */
export class ServerSessionInterface extends SessionInterface {
  private readonly signer: SessionIdSigner;
  readonly calls: StoreCalls;
  private readonly admission?: UserAdmission;

  constructor(
    options: ResolvedSessionOptions,
    readonly store: SessionStore,
    /** Builds the per-user limit (`maxSessionsPerUser`), when there is one; see {@link UserAdmission}. */
    admission?: (sessions: ServerSessionInterface) => UserAdmission,
  ) {
    super(options, new TaggedJsonCodec(options.maxDepth));
    this.signer = new SessionIdSigner(options.secrets, options.cookie.name);
    this.calls = new StoreCalls(options.storeTimeout, options.metrics);
    this.admission = admission?.(this);
  }

  override async start(): Promise<void> {
    await this.store.start?.({ timeout: this.options.storeTimeout });
  }

  override async close(): Promise<void> {
    await this.store.close?.();
  }

  async open(request: http.PlatformRequest): Promise<OpenedSession> {
    const now = Date.now();
    const cookies = this.cookie.values(request);
    const opened = (state: SessionState, resign = false, detached = false): OpenedSession => ({ state, cookieSent: cookies.length > 0, resign, detached });
    let signed: { id: string; keyIndex: number } | null = null;
    let value = '';
    for (value of cookies) if ((signed = this.signer.unsign(value))) break;
    if (!signed) return opened(this.fresh(generateSessionId(), now));
    const id = signed.id;
    let record;
    try {
      record = await this.calls.run('get', () => this.store.get(id));
    } catch (error) {
      if (this.options.onStoreError === 'empty' && error instanceof SessionStoreUnavailableError) return opened(this.fresh(generateSessionId(), now), false, true);
      throw error;
    }
    if (!record) return opened(this.fresh(generateSessionId(), now));
    if (!this.lifetime.alive(record.createdAt, record.touchedAt, now)) {
      void this.calls.run('destroy', () => this.store.destroy(id)).catch(() => undefined);
      return { ...opened(this.fresh(generateSessionId(), now)), expired: { id, userId: userIdOfData(record.data, this.options.userKey) } };
    }
    const state = new SessionState({ id, isNew: false, createdAt: record.createdAt, touchedAt: record.touchedAt }, record.data, this.values);
    const session = opened(state, signed.keyIndex > 0);
    if (signed.keyIndex === 0) session.signedId = { id, value };
    return session;
  }

  protected async persist(opened: OpenedSession, request: http.PlatformRequest, response: http.PlatformResponse): Promise<boolean> {
    const { state } = opened;
    if (opened.detached) return false;
    const now = Date.now();
    const id = state.origin.id as string;
    const permanent = state.permanent;
    let snapshot = state.snapshot();

    if (state.origin.isNew) {
      if (state.isEmpty()) return opened.cookieSent && state.destroyed && this.cookie.remove(request, response);
      // A new session exists only through the cookie it is about to get: with the response gone,
      // storing it would only leave an orphan record behind.
      if (http.headersSent(response)) throw new LateCookieError();
      const userId = userIdOfData(snapshot.data, this.options.userKey);
      snapshot = trackDevice(state, snapshot, userId, request, this.options);
      checkSessionSize(snapshot.data, this.options.maxSize);
      const write: SessionWrite = { create: true, set: snapshot.data, unset: [], ...this.times(state, now), userId };
      await this.admit(userId, id, () => this.write(id, write));
      state.markSaved(snapshot, now);
      return this.cookie.set(request, response, this.signer.sign(id), permanent, now);
    }

    if (state.forceSave || hasChanges(snapshot)) return this.patch(opened, snapshot, request, response, now);

    const refresh = permanent && this.options.refreshEachRequest;
    let resign = opened.resign;
    opened.resign = false;
    const seen = lastSeenDue(state, now, this.options);
    if (refresh || seen || this.lifetime.idleRefreshDue(state.origin.touchedAt, now)) {
      if (seen || now - state.origin.touchedAt >= this.lifetime.touchInterval) {
        const alive = await this.calls.run('touch', () => this.store.touch(id, now, this.options.lifetime));
        // Gone meanwhile (see patch): leave the cookie to the request that ended it.
        if (!alive) {
          this.forget(state, now);
          return false;
        }
        state.markSaved(snapshot, now);
      }
      resign ||= refresh;
    }
    return resign && this.cookie.set(request, response, this.signedCookie(opened, id), permanent, now);
  }

  async regenerate(state: SessionState): Promise<void> {
    await this.end(state);
    state.renew(generateSessionId(), Date.now());
  }

  async destroy(state: SessionState): Promise<void> {
    await this.end(state);
    state.reset(generateSessionId(), Date.now(), this.defaultData());
    state.destroyed = true;
  }

  /** Writes the change-set of an existing session; true when it wrote the cookie. */
  private async patch(opened: OpenedSession, snapshot: SessionSnapshot, request: http.PlatformRequest, response: http.PlatformResponse, now: number): Promise<boolean> {
    const { state } = opened;
    const id = state.origin.id as string;
    const userId = userIdChange(state.forceSave ? { ...snapshot.data } : snapshot.set, snapshot.unset, this.options.userKey);
    snapshot = trackDevice(state, snapshot, userId, request, this.options);
    const set = state.forceSave ? { ...snapshot.data } : snapshot.set;
    checkSessionSize(snapshot.data, this.options.maxSize);
    const write: SessionWrite = { create: false, set, unset: snapshot.unset, ...this.times(state, now), userId };
    const outcome = await this.admit(userId, id, () => this.write(id, write));
    const resign = opened.resign;
    opened.resign = false;
    if (outcome === 'saved') {
      const permanent = state.permanent;
      state.markSaved(snapshot, now);
      // The browser already holds this exact cookie, and a session cookie has no expiry to move
      // forward: sending it again would change nothing (express-session does not either). Unless
      // this save made the session non-permanent: the browser's cookie still has an Expires.
      if (!permanent && !resign && opened.signedId?.id === id && !snapshot.unset.includes(PERMANENT_KEY)) return false;
      return this.cookie.set(request, response, this.signedCookie(opened, id), permanent, now);
    }
    // 'deleted': this save emptied the session, so its cookie goes. 'missing': another request
    // destroyed or regenerated it meanwhile and already sent the browser the right cookie (none
    // after a logout, the new id after a login); this late response must not overwrite that.
    this.forget(state, now);
    return outcome === 'deleted' && this.cookie.remove(request, response);
  }

  /** The cookie value of `id`: the one the request sent when it is current, else signed now. */
  private signedCookie(opened: OpenedSession, id: string): string {
    return opened.signedId?.id === id ? opened.signedId.value : this.signer.sign(id);
  }

  /** A write that gives the session a user goes through the per-user limit, when there is one. */
  private admit<T>(userId: string | null | undefined, id: string, write: () => Promise<T>): Promise<T> {
    return this.admission && typeof userId === 'string' ? this.admission.admit(userId, id, write) : write();
  }

  private async write(id: string, write: SessionWrite) {
    const outcome = await this.calls.run('save', () => this.store.save(id, write));
    this.options.metrics?.saved?.({ kind: 'store' });
    return outcome;
  }

  /** Deletes the stored record of a session that has one. */
  private async end(state: SessionState): Promise<void> {
    const { id, isNew } = state.origin;
    if (!isNew && id) await this.calls.run('destroy', () => this.store.destroy(id));
  }

  /** The record is gone: the rest of the request works on a fresh session that is never saved unless written. */
  private forget(state: SessionState, now: number): void {
    state.reset(generateSessionId(), now, this.defaultData());
  }

  private times(state: SessionState, now: number) {
    return { createdAt: state.origin.createdAt, touchedAt: now, ttl: this.options.lifetime };
  }
}
