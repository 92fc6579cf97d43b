import type { SaveOutcome, SessionRecord, SessionWrite, StoreSettings } from '../../contract/session-store';
import { SessionOptionsError } from '../../errors';
import { SessionStoreTimeoutError } from '../../errors/session-store-timeout.error';
import { BaseSessionStore, checkSessionId, KeyedMutex, mergeChangeSet } from '../shared';
import { CONFLICT, orConflict, withCas } from './memcached-cas';
import { resolveMemcachedClient } from './memcached-client';
import type { MemcachedClientLike } from './memcached-client.types';
import { decodeLive, encode, exptimeOf, type MemcachedRecord, TOMBSTONE } from './memcached-record';
import type { MemcachedSessionStoreOptions } from './memcached-session.options';
import { MemcachedUserIndex } from './memcached-user-index';
import { lockMemcachedKey } from './memcached-user-lock';

export type { MemcachedSessionStoreOptions } from './memcached-session.options';

const PREFIX = /^[\x21-\x7e]*$/;

/**
 * Sessions in memcached through memcache-client. A `get` is one round trip; a save is a `gets`
 * and a `cas` (an `add` for a new session), retried when another process wrote in between, so
 * concurrent requests merge instead of overwriting, and a save can never bring back a destroyed
 * or expired session (a CAS on a missing item fails). Saves of one session inside one process
 * are queued, so they never conflict with each other.
 *
 * Timeouts: no storage command (`add`, `cas`, `delete`) is sent once the call has run for the
 * timeout of `start()`, so a call that gave up sends nothing more. memcached has no server-side
 * deadline, though: a command sent just before the deadline and delayed on its way can still be
 * applied after the module answered 503. The owned client's `cmdTimeout` (1.5 s) bounds how long
 * a reply is awaited.
 */
export class MemcachedSessionStore extends BaseSessionStore {
  private readonly client: MemcachedClientLike;
  private readonly owned: boolean;
  private readonly prefix: string;
  private readonly attempts: number;
  private readonly queue = new KeyedMutex();
  private readonly users: MemcachedUserIndex;

  constructor(options: MemcachedSessionStoreOptions) {
    super();
    this.prefix = options.prefix ?? 'session:';
    if (!PREFIX.test(this.prefix) || Buffer.byteLength(this.prefix) > 202) {
      throw new SessionOptionsError(
        `MemcachedSessionStore prefix ${JSON.stringify(this.prefix)} must be printable ASCII without spaces, at most 202 bytes (memcached keys are at most 250).`,
      );
    }
    this.attempts = options.casAttempts ?? 50;
    ({ client: this.client, owned: this.owned } = resolveMemcachedClient(options));
    this.users = new MemcachedUserIndex(this.client, this.prefix, this.attempts, () => this.timeout + 1000);
  }

  override async start(settings: StoreSettings): Promise<void> {
    await super.start(settings);
  }

  async get(id: string): Promise<SessionRecord | null> {
    const record = decodeLive((await this.client.get(this.keyOf(id)))?.value);
    return record && { data: record.data, createdAt: record.createdAt, touchedAt: record.touchedAt };
  }

  async save(id: string, write: SessionWrite): Promise<SaveOutcome> {
    const key = this.keyOf(id);
    const deadline = Date.now() + this.timeout;
    return this.queue.run(key, async () => {
      let indexed = false;
      if (write.create) {
        // A new id: one `add`, no read. Should the key exist after all, the CAS loop below merges.
        const created = await this.create(key, id, write, deadline);
        if (created !== CONFLICT) return created;
        indexed = typeof write.userId === 'string';
      }
      return withCas(key, this.attempts, async () => {
        const item = await this.client.gets(key);
        const found = decodeLive(item?.value);
        if (!found && !write.create) return 'missing';
        const base = found ?? { data: {}, createdAt: write.createdAt, touchedAt: write.touchedAt, expiresAt: 0 };
        const data = mergeChangeSet(base.data, write);
        if (data === null) return found && item ? this.empty(key, item.casUniq, id, found, deadline) : 'deleted';
        const userId = write.userId === undefined ? base.userId : (write.userId ?? undefined);
        // Index first: a save that then fails leaves an id that findByUser checks and drops,
        // never a session that findByUser cannot find.
        if (userId !== undefined && userId !== base.userId && !indexed) {
          await this.users.add(userId, id, this.sessionKeyOf);
          indexed = true;
        }
        const record: MemcachedRecord = { data, createdAt: base.createdAt, touchedAt: write.touchedAt, expiresAt: Date.now() + write.ttl, userId };
        // CAS over whatever the key holds (a live record, or a dead one a create replaces).
        const stored = await this.store(key, record, item?.casUniq, deadline);
        if (stored === CONFLICT) return CONFLICT;
        if (base.userId !== undefined && base.userId !== userId) await this.users.remove(base.userId, id).catch(() => undefined);
        return 'saved';
      });
    });
  }

  async touch(id: string, touchedAt: number, ttl: number): Promise<boolean> {
    const key = this.keyOf(id);
    const deadline = Date.now() + this.timeout;
    // Not memcached's `touch` command: it renews the expiry but cannot change the touchedAt kept
    // in the value, which the idle timeout needs. A gets/CAS rewrites the same data instead.
    return this.queue.run(key, () =>
      withCas(key, this.attempts, async () => {
        const item = await this.client.gets(key);
        const found = decodeLive(item?.value);
        if (!found || !item) return false;
        const stored = await this.store(key, { ...found, touchedAt, expiresAt: Date.now() + ttl }, item.casUniq, deadline);
        return stored === CONFLICT ? CONFLICT : true;
      }),
    );
  }

  /**
   * A plain delete is safe here: a save that read the record before it fails its CAS. The owner
   * read first leaves the user index with the session, so the index never keeps past logins.
   */
  async destroy(id: string): Promise<void> {
    const key = this.keyOf(id);
    const owner = decodeLive((await this.client.get(key))?.value)?.userId;
    await orConflict(this.client.delete(key));
    if (owner !== undefined) await this.users.remove(owner, id).catch(() => undefined);
  }

  override findByUser(userId: string): Promise<string[]> {
    return this.users.find(userId, this.sessionKeyOf);
  }

  override async close(): Promise<void> {
    if (this.owned) this.client.shutdown();
  }

  /** A lock on the user for `maxSessionsPerUser`, beside the user's index key (see {@link lockMemcachedKey}). */
  override lockUser(userId: string): Promise<() => Promise<void>> {
    return lockMemcachedKey(this.client, `${this.users.keyOf(userId)}:lock`, this.timeout);
  }

  /** `<prefix><id>`, after checking the id again: a space or newline in a key is a protocol injection. */
  private keyOf(id: string): string {
    return this.prefix + checkSessionId(id, 'MemcachedSessionStore');
  }

  private readonly sessionKeyOf = (id: string): string => this.keyOf(id);

  private async create(key: string, id: string, write: SessionWrite, deadline: number): Promise<SaveOutcome | typeof CONFLICT> {
    const data = mergeChangeSet({}, write);
    if (data === null) return 'deleted';
    const userId = write.userId ?? undefined;
    if (userId !== undefined) await this.users.add(userId, id, this.sessionKeyOf);
    const stored = await this.store(key, { data, createdAt: write.createdAt, touchedAt: write.touchedAt, expiresAt: Date.now() + write.ttl, userId }, undefined, deadline);
    return stored === CONFLICT ? CONFLICT : 'saved';
  }

  /** `cas` when we read a token, `add` for a new session; conflicts come back as {@link CONFLICT}. */
  private store(key: string, record: MemcachedRecord, casUniq: string | number | undefined, deadline: number): Promise<true | typeof CONFLICT> {
    this.inTime(deadline);
    const lifetime = exptimeOf(record.expiresAt);
    const value = encode(record);
    return orConflict(casUniq === undefined ? this.client.add(key, value, { lifetime, ignoreNotStored: false }) : this.client.cas(key, value, { casUniq, lifetime }));
  }

  /** The emptied-session rule: tombstone by CAS (so no concurrent save is lost), then delete. */
  private async empty(key: string, casUniq: string | number, id: string, found: MemcachedRecord, deadline: number): Promise<SaveOutcome | typeof CONFLICT> {
    this.inTime(deadline);
    const stored = await orConflict(this.client.cas(key, TOMBSTONE, { casUniq, lifetime: 60 }));
    if (stored === CONFLICT) return CONFLICT;
    await orConflict(this.client.delete(key));
    if (found.userId !== undefined) await this.users.remove(found.userId, id).catch(() => undefined);
    return 'deleted';
  }

  /** No storage command leaves after the deadline: the call has given up, and must write nothing more. */
  private inTime(deadline: number): void {
    if (Date.now() > deadline) throw new SessionStoreTimeoutError('MemcachedSessionStore', this.timeout);
  }
}
