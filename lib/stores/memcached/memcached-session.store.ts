import type { MemcacheClient, MemcacheClientOptions } from 'memcache-client';
import { SessionOptionsError } from '../../errors/session.errors';
import { loadOptional } from '../../utils/load-optional';
import { KeyedMutex } from '../shared/keyed-mutex';
import type { SaveOutcome, SessionRecord, SessionWrite, StoredData } from '../session-store';
import { SessionStore } from '../session-store';
import { CONFLICT, orConflict, withCas } from './memcached-cas';
import { decodeLive, encode, exptimeOf, type MemcachedRecord, TOMBSTONE } from './memcached-record';
import { MemcachedUserIndex } from './memcached-user-index';

/** Options of {@link MemcachedSessionStore}: give exactly one of `client` or `server`. */
export interface MemcachedSessionStoreOptions {
  /** A memcache-client `MemcacheClient` you created. The store never shuts it down. @default undefined */
  client?: MemcacheClient;
  /**
   * `host:port` of a server for a client that the store creates, owns and shuts down in
   * `close()`. It fails fast while memcached is down (see {@link MEMCACHED_FAIL_FAST}) and reconnects on
   * the next command once it is back.
   * @default undefined
   */
  server?: string;
  /** Extra options of the owned client, over {@link MEMCACHED_FAIL_FAST}. @default {} */
  clientOptions?: Partial<MemcacheClientOptions>;
  /**
   * Prefix of every key (Flask-Session's `SESSION_KEY_PREFIX`): a session is `<prefix><id>`, a
   * user index `<prefix>user:<sha256(userId)>`. Printable ASCII without spaces, at most 202
   * bytes, so every key stays within memcached's 250 bytes.
   * @default 'session:'
   */
  prefix?: string;
  /** Attempts of one gets/CAS step before a save fails (only writers in other processes conflict). @default 50 */
  casAttempts?: number;
}

/**
 * Owned-client defaults: a refused connection fails at once, a hung one after a second, and a
 * command after 1.5 s (below the module's `storeTimeout`, so a write that the client was told
 * failed does not land later); nothing is queued while the server is away.
 */
export const MEMCACHED_FAIL_FAST = { connectTimeout: 1000, cmdTimeout: 1500, noDelay: true } satisfies Partial<MemcacheClientOptions>;

const ID = /^[A-Za-z0-9_-]{43}$/;
const PREFIX = /^[\x21-\x7e]*$/;

/**
 * Sessions in memcached through memcache-client. A `get` is one round trip; a save is a `gets`
 * and a `cas` (an `add` for a new session), retried when another process wrote in between, so
 * concurrent requests merge instead of overwriting, and a save can never bring back a destroyed
 * or expired session (a CAS on a missing item fails). Saves of one session inside one process
 * are queued, so they never conflict with each other.
 */
export class MemcachedSessionStore extends SessionStore {
  private readonly client: MemcacheClient;
  private readonly owned: boolean;
  private readonly prefix: string;
  private readonly attempts: number;
  private readonly queue = new KeyedMutex();
  private readonly users: MemcachedUserIndex;

  constructor(options: MemcachedSessionStoreOptions) {
    super();
    this.prefix = options.prefix ?? 'session:';
    if (!PREFIX.test(this.prefix) || Buffer.byteLength(this.prefix) > 202) {
      throw new SessionOptionsError(`MemcachedSessionStore prefix ${JSON.stringify(this.prefix)} must be printable ASCII without spaces, at most 202 bytes (memcached keys are at most 250).`);
    }
    if ((options.client === undefined) === (options.server === undefined)) {
      throw new SessionOptionsError('MemcachedSessionStore needs exactly one of `client` or `server`.');
    }
    this.attempts = options.casAttempts ?? 50;
    this.owned = options.client === undefined;
    this.client = options.client ?? this.createClient(options.server!, options.clientOptions);
    this.users = new MemcachedUserIndex(this.client, this.prefix, this.attempts);
  }

  async get(id: string): Promise<SessionRecord | null> {
    const record = decodeLive((await this.client.get<string>(this.keyOf(id)))?.value);
    return record && { data: record.data, createdAt: record.createdAt, touchedAt: record.touchedAt };
  }

  async save(id: string, write: SessionWrite): Promise<SaveOutcome> {
    const key = this.keyOf(id);
    return this.queue.run(key, async () => {
      let indexed = false;
      if (write.create) {
        // A new id: one `add`, no read. Should the key exist after all, the CAS loop below merges.
        const created = await this.create(key, id, write);
        if (created !== CONFLICT) return created;
        indexed = typeof write.userId === 'string';
      }
      return withCas(key, this.attempts, async () => {
        const item = await this.client.gets<string>(key);
        const found = decodeLive(item?.value);
        if (!found && !write.create) return 'missing';
        const base = found ?? { data: {}, createdAt: write.createdAt, touchedAt: write.touchedAt, expiresAt: 0 };
        const data: StoredData = { ...base.data, ...write.set };
        for (const name of write.unset) delete data[name];
        if (Object.keys(data).length === 0) return found && item ? this.empty(key, item.casUniq, id, found) : 'deleted';
        const userId = write.userId === undefined ? base.userId : (write.userId ?? undefined);
        // Index first: a save that then fails leaves an id that findByUser checks and drops,
        // never a session that findByUser cannot find.
        if (userId !== undefined && userId !== base.userId && !indexed) {
          await this.users.add(userId, id);
          indexed = true;
        }
        const record: MemcachedRecord = { data, createdAt: base.createdAt, touchedAt: write.touchedAt, expiresAt: Date.now() + write.ttl, userId };
        // CAS over whatever the key holds (a live record, or a dead one a create replaces).
        const stored = await this.store(key, record, item?.casUniq);
        if (stored === CONFLICT) return CONFLICT;
        if (base.userId !== undefined && base.userId !== userId) await this.users.remove(base.userId, id).catch(() => undefined);
        return 'saved';
      });
    });
  }

  async touch(id: string, touchedAt: number, ttl: number): Promise<boolean> {
    const key = this.keyOf(id);
    // Not memcached's `touch` command: it renews the expiry but cannot change the touchedAt kept
    // in the value, which the idle timeout needs. A gets/CAS rewrites the same data instead.
    return this.queue.run(key, () =>
      withCas(key, this.attempts, async () => {
        const item = await this.client.gets<string>(key);
        const found = decodeLive(item?.value);
        if (!found || !item) return false;
        const stored = await this.store(key, { ...found, touchedAt, expiresAt: Date.now() + ttl }, item.casUniq);
        return stored === CONFLICT ? CONFLICT : true;
      }),
    );
  }

  /** A plain delete is safe here: a save that read the record before it fails its CAS. */
  async destroy(id: string): Promise<void> {
    await orConflict(this.client.delete(this.keyOf(id)));
  }

  override findByUser(userId: string): Promise<string[]> {
    return this.users.find(userId, (id) => this.keyOf(id));
  }

  override async close(): Promise<void> {
    if (this.owned) this.client.shutdown();
  }

  /** `<prefix><id>`, after checking the id again: a space or newline in a key is a protocol injection. */
  private keyOf(id: string): string {
    if (typeof id !== 'string' || !ID.test(id)) {
      throw new RangeError('nest-session: MemcachedSessionStore refused a session id that is not 43 base64url characters');
    }
    return this.prefix + id;
  }

  private async create(key: string, id: string, write: SessionWrite): Promise<SaveOutcome | typeof CONFLICT> {
    const data: StoredData = { ...write.set };
    for (const name of write.unset) delete data[name];
    if (Object.keys(data).length === 0) return 'deleted';
    const userId = write.userId ?? undefined;
    if (userId !== undefined) await this.users.add(userId, id);
    const stored = await this.store(key, { data, createdAt: write.createdAt, touchedAt: write.touchedAt, expiresAt: Date.now() + write.ttl, userId }, undefined);
    return stored === CONFLICT ? CONFLICT : 'saved';
  }

  /** `cas` when we read a token, `add` for a new session; conflicts come back as {@link CONFLICT}. */
  private store(key: string, record: MemcachedRecord, casUniq: string | number | undefined): Promise<true | typeof CONFLICT> {
    const lifetime = exptimeOf(record.expiresAt);
    const value = encode(record);
    return orConflict(casUniq === undefined ? this.client.add(key, value, { lifetime, ignoreNotStored: false }) : this.client.cas(key, value, { casUniq, lifetime }));
  }

  /** The emptied-session rule: tombstone by CAS (so no concurrent save is lost), then delete. */
  private async empty(key: string, casUniq: string | number, id: string, found: MemcachedRecord): Promise<SaveOutcome | typeof CONFLICT> {
    const stored = await orConflict(this.client.cas(key, TOMBSTONE, { casUniq, lifetime: 60 }));
    if (stored === CONFLICT) return CONFLICT;
    await orConflict(this.client.delete(key));
    if (found.userId !== undefined) await this.users.remove(found.userId, id).catch(() => undefined);
    return 'deleted';
  }

  private createClient(server: string, extra: Partial<MemcacheClientOptions> = {}): MemcacheClient {
    const { MemcacheClient: Client } = loadOptional<typeof import('memcache-client')>('memcache-client', 'MemcachedSessionStore');
    const client = new Client({ ...MEMCACHED_FAIL_FAST, ...extra, server });
    // memcache-client handles socket errors itself; this listener is a guard should a future
    // version start emitting them, since an unhandled 'error' event would end the process.
    client.on('error', () => undefined);
    return client;
  }
}
