import type { SaveOutcome, SessionRecord, SessionWrite, StoreSettings } from '../../contract/session-store';
import { SessionOptionsError, SessionStoreConflictError, SessionStoreDisconnectedError } from '../../errors';
import { BaseSessionStore, checkSessionId } from '../shared';
import { resolveClient } from '../shared/owned-client';
import { isSessionId } from '../shared/session-id';
import { createRedisClient, pipeliningDuplicate } from './redis-client';
import type { RedisClientLike } from './redis-client.types';
import { RedisClock } from './redis-clock';
import type { RedisSessionStoreOptions } from './redis-session.options';
import type { LuaScript } from './lua-script';
import { DATA_PREFIX, layoutOf, ownerFields, recordOfHash } from './redis-session.layout';
import { type RedisScripts, scriptsFor } from './redis-session.scripts';
import { RedisUserIndex } from './redis-user-index';
import { lockRedisKey } from './redis-user-lock';
import { runScript } from './run-script';

type SaveReply = [outcome: SaveOutcome | 'extend', user?: string | null];

/** Slots of the save script's ARGV (see `save` in redis-session.scripts.ts) that are filled in after the rest or change between rounds (0 is the deadline). */
const SAVE_ARG = { now: 5, indexedUntil: 7, pairs: 8, indexedUser: 10 } as const;

/** Retries of a save or touch that found its owner's index entry too short (normally one). */
const MAX_INDEX_ROUNDS = 3;

/**
 * Sessions in Redis (standalone, Sentinel or Cluster) through ioredis. One round trip per `get`
 * (HGETALL), `save` and `touch` (a Lua script on the session's own key); saves merge the keys that
 * changed atomically, so concurrent requests never lose each other's writes, and a save never
 * brings back a destroyed or expired session. Values are stored verbatim as JSON strings, one hash
 * field per top-level key; Redis expires records by itself.
 *
 * Timeouts: every script that writes a session carries a deadline (the call's start plus the
 * timeout of `start()`, moved into Redis's clock by an offset measured with `TIME`) and writes
 * nothing once Redis's clock has passed it, even when the command reached Redis late. What is not
 * covered: a reply that takes longer than the module's extra 500 ms to come back, and a Redis
 * clock that jumps after the offset was measured (Cluster: each primary's clock should agree
 * with the one measured, as NTP keeps them).
 */
export class RedisSessionStore extends BaseSessionStore {
  private readonly client: RedisClientLike;
  /** The store closes its client: one it created, or the pipelining duplicate of yours. */
  private readonly owned: boolean;
  /** A client the store created: refused at once while it reconnects (yours keeps your queue settings). */
  private readonly failFast: boolean;
  private readonly prefix: string;
  private readonly clock = new RedisClock(() => this.live());
  /** The scripts of the metadata layout this store writes, and its owner fields in read order. */
  private readonly scripts: RedisScripts;
  private readonly owners: readonly string[];
  private readonly users: RedisUserIndex;

  constructor(options: RedisSessionStoreOptions) {
    super();
    this.prefix = options.prefix ?? 'session:';
    if (/[{}]/.test(this.prefix)) throw new SessionOptionsError(`RedisSessionStore prefix "${this.prefix}" must not contain "{" or "}": they set the Cluster hash slot.`);
    const layout = options.metadataLayout ?? 'compact';
    this.owners = ownerFields(layoutOf(layout));
    this.scripts = scriptsFor(layout);
    this.users = new RedisUserIndex(
      this.prefix,
      layout,
      () => this.live(),
      (...call) => this.run(...call),
    );
    const { connection, cluster } = options;
    const resolved = resolveClient<RedisClientLike>('RedisSessionStore', { client: options.client }, { connection, cluster }, () => createRedisClient(options));
    const duplicate = resolved.owned || options.autoPipelining === false ? undefined : pipeliningDuplicate(resolved.client);
    this.client = duplicate ?? resolved.client;
    this.owned = resolved.owned || duplicate !== undefined;
    this.failFast = resolved.owned;
  }

  /** Keeps the timeout, and measures the offset of Redis's clock when Redis is reachable. */
  override async start(settings: StoreSettings): Promise<void> {
    await super.start(settings);
    await this.clock.measure(settings.timeout).catch(() => undefined);
  }

  async get(id: string): Promise<SessionRecord | null> {
    return recordOfHash(await this.live().hgetall(this.sessionKey(id)));
  }

  async save(id: string, write: SessionWrite): Promise<SaveOutcome> {
    const key = this.sessionKey(id);
    const pending = this.deadline();
    const deadline = typeof pending === 'number' ? pending : await pending;
    const unset = write.unset.length > 0 ? [...new Set(write.unset)] : write.unset;
    const mode = write.userId === undefined ? 'keep' : write.userId === null ? 'clear' : 'set';
    // The script's ARGV (see `save` in redis-session.scripts.ts), built once: now, the index horizon and the indexed user change between rounds.
    // PEXPIRE takes whole milliseconds: a fractional ttl from a direct caller is rounded up, as the module rounds `lifetime`.
    const args: (string | number)[] = [deadline, write.create ? 1 : 0, write.createdAt, write.touchedAt, Math.ceil(write.ttl), 0, mode, 0, 0, write.userId ?? '', ''];
    let pairs = 0;
    for (const name of Object.keys(write.set)) {
      // As in the memory store, a key both set and unset ends up unset.
      if (unset.length > 0 && unset.includes(name)) continue;
      args.push(DATA_PREFIX + name, JSON.stringify(write.set[name]));
      pairs++;
    }
    for (const name of unset) args.push(DATA_PREFIX + name);
    args[SAVE_ARG.pairs] = pairs;
    // The owner to index before the next script call: at once for a new record given an owner (a
    // login), which has no index entry yet; otherwise only when the script answers 'extend'.
    let indexFirst = write.create && mode === 'set' ? (write.userId as string) : undefined;
    for (let round = 0; round < MAX_INDEX_ROUNDS; round++) {
      if (indexFirst !== undefined) {
        args[SAVE_ARG.indexedUser] = indexFirst;
        args[SAVE_ARG.indexedUntil] = await this.users.add(indexFirst, id, write.ttl);
      }
      args[SAVE_ARG.now] = Date.now();
      // The second value: on 'extend' the owner to index first, otherwise the owner before this save.
      const [outcome, previous] = (await this.run(this.scripts.save, key, args)) as SaveReply;
      if (outcome === 'extend') {
        indexFirst = previous as string;
        continue;
      }
      const owner = outcome === 'saved' && mode === 'keep' ? previous : outcome === 'saved' ? write.userId : null;
      if (typeof previous === 'string' && previous !== owner) await this.users.remove(previous, id);
      return outcome;
    }
    throw new SessionStoreConflictError('RedisSessionStore could not index a session whose owner kept changing');
  }

  async touch(id: string, touchedAt: number, ttl: number): Promise<boolean> {
    const key = this.sessionKey(id);
    const pending = this.deadline();
    const deadline = typeof pending === 'number' ? pending : await pending;
    let indexed: Indexed = { user: '', until: 0 };
    for (let round = 0; round < MAX_INDEX_ROUNDS; round++) {
      const reply = await this.run(this.scripts.touch, key, [deadline, touchedAt, Math.ceil(ttl), Date.now(), indexed.user, indexed.until]);
      if (typeof reply !== 'string') return reply === 1;
      indexed = { user: reply, until: await this.users.add(reply, id, ttl) };
    }
    throw new SessionStoreConflictError('RedisSessionStore could not index a session whose owner kept changing');
  }

  async destroy(id: string): Promise<void> {
    const key = this.sessionKey(id);
    const pending = this.deadline();
    const deadline = typeof pending === 'number' ? pending : await pending;
    const owner = await this.run(this.scripts.destroy, key, [deadline]);
    if (typeof owner === 'string') await this.users.remove(owner, id);
  }

  /**
   * Lists the user's sessions, checking each against its record: the index is in another slot
   * than the sessions, so it can hold ids of sessions that expired or changed owner (or, in a
   * shared bucket, another user's whose tag is the same). Those are never listed, and dropped from
   * the index here (lazy cleanup), except another user's whose entries are this user's.
   */
  override async findByUser(userId: string): Promise<string[]> {
    const ids = (await this.users.list(userId, Date.now())).filter(isSessionId);
    const owners = await Promise.all(ids.map(async (id) => (await this.live().hmget(this.sessionKey(id), ...this.owners)).find((owner) => owner !== null)));
    await this.users.prune(userId, ids, owners);
    return ids.filter((_, i) => owners[i] === userId);
  }

  /** A lock on the user for `maxSessionsPerUser` (see {@link lockRedisKey}). */
  override lockUser(userId: string): Promise<() => Promise<void>> {
    return lockRedisKey(() => this.live(), this.users.lockKey(userId), this.timeout);
  }

  /** Closes the client if the store created it (or the duplicate it made of yours); a client passed in is left open. */
  override async close(): Promise<void> {
    if (!this.owned) return;
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }

  /** `<prefix>{<id>}`: the braces pin the hash slot to the id alone, whatever the prefix. */
  private sessionKey(id: string): string {
    return `${this.prefix}{${checkSessionId(id, 'RedisSessionStore')}}`;
  }

  /** The call's deadline in Redis's clock: now plus the timeout (see {@link RedisClock}). */
  private deadline(): number | Promise<number> {
    return this.clock.deadline(this.timeout);
  }

  private run(script: LuaScript, key: string, args: (string | number)[]): Promise<unknown> {
    return runScript(this.live(), script, key, args, this.timeout);
  }

  /**
   * The client, refused at once while an owned client is between reconnection attempts: a
   * Cluster client would otherwise queue the command until the cluster comes back.
   */
  private live(): RedisClientLike {
    const status = this.client.status;
    if (this.failFast && (status === 'reconnecting' || status === 'close' || status === 'end')) {
      throw new SessionStoreDisconnectedError(`Redis is unreachable (client ${status})`);
    }
    return this.client;
  }
}

interface Indexed {
  user: string;
  until: number;
}
