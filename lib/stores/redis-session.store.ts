import { Logger } from '@nestjs/common';
import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { SessionOptionsError } from '../errors/session.errors';
import { loadOptional } from '../utils/load-optional';
import { DATA_PREFIX, type LuaScript, META, SCRIPTS } from './redis-session.scripts';
import type { JsonValue, SaveOutcome, SessionRecord, SessionWrite } from './session-store';
import { SessionStore } from './session-store';

/** Options of {@link RedisSessionStore}: give exactly one of `client`, `connection`, `cluster`. */
export interface RedisSessionStoreOptions {
  /**
   * An ioredis client you created: standalone, Sentinel (`{ sentinels, name }`) or `Cluster`.
   * The store never closes it, and uses it with your retry and queue settings.
   * @default undefined
   */
  client?: Redis | Cluster;
  /**
   * Options (or a `redis://` URL) of a standalone or Sentinel client that the store creates, owns
   * and closes in `close()`. It fails fast while Redis is down (see {@link FAIL_FAST}); your
   * options override those defaults.
   * @default undefined
   */
  connection?: RedisOptions | string;
  /**
   * Startup nodes and options of a Redis Cluster client that the store creates, owns and closes.
   * @default undefined
   */
  cluster?: { nodes: ClusterNode[]; options?: ClusterOptions };
  /**
   * Prefix of every key. A session lives in the hash `<prefix>{<id>}`, a user index in the sorted
   * set `<prefix>user:{<userId>}`. Braces are refused: they would change Cluster hash slots.
   * @default 'session:'
   */
  prefix?: string;
}

/**
 * Defaults of owned clients: commands fail within about a second while Redis is unreachable
 * (ioredis would otherwise queue and retry them for up to a minute), and the client reconnects on
 * its own, at most 500 ms apart, so service returns with the server.
 */
export const FAIL_FAST = {
  maxRetriesPerRequest: 0,
  connectTimeout: 1000,
  commandTimeout: 2000,
  retryStrategy: (attempt: number) => Math.min(attempt * 50, 500),
} satisfies RedisOptions;

type Client = Redis | Cluster;
type SaveReply = [outcome: SaveOutcome | 'extend', user?: string | null];

/** Retries of a save or touch that found its owner's index entry too short (normally one). */
const MAX_INDEX_ROUNDS = 3;
const ID = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * Sessions in Redis (standalone, Sentinel or Cluster) through ioredis. One round trip per `get`
 * (HGETALL), `save` and `touch` (a Lua script on the session's own key); saves merge the keys that
 * changed atomically, so concurrent requests never lose each other's writes, and a save never
 * brings back a destroyed or expired session. Values are stored verbatim as JSON strings, one hash
 * field per top-level key; Redis expires records by itself.
 */
export class RedisSessionStore extends SessionStore {
  private readonly client: Client;
  private readonly owned: boolean;
  private readonly prefix: string;
  private readonly logger = new Logger('RedisSessionStore');
  private failing = false;

  constructor(options: RedisSessionStoreOptions) {
    super();
    this.prefix = options.prefix ?? 'session:';
    if (/[{}]/.test(this.prefix)) throw new SessionOptionsError(`RedisSessionStore prefix "${this.prefix}" must not contain "{" or "}": they set the Cluster hash slot.`);
    const given = [options.client, options.connection, options.cluster].filter((option) => option !== undefined);
    if (given.length !== 1) throw new SessionOptionsError('RedisSessionStore needs exactly one of `client`, `connection` or `cluster`.');
    this.owned = options.client === undefined;
    this.client = options.client ?? this.createClient(options);
  }

  async get(id: string): Promise<SessionRecord | null> {
    const hash = await this.live().hgetall(this.sessionKey(id));
    const data = Object.entries(hash).filter(([field]) => field.startsWith(DATA_PREFIX));
    if (data.length === 0) return null;
    return {
      data: Object.fromEntries(data.map(([field, json]) => [field.slice(DATA_PREFIX.length), JSON.parse(json) as JsonValue])),
      createdAt: Number(hash[META.createdAt]),
      touchedAt: Number(hash[META.touchedAt]),
    };
  }

  async save(id: string, write: SessionWrite): Promise<SaveOutcome> {
    const key = this.sessionKey(id);
    const unset = [...new Set(write.unset)];
    // As in the memory store, a key both set and unset ends up unset.
    const set = Object.entries(write.set).filter(([name]) => !unset.includes(name));
    const mode = write.userId === undefined ? 'keep' : write.userId === null ? 'clear' : 'set';
    const fields = [...set.flatMap(([name, value]) => [DATA_PREFIX + name, JSON.stringify(value)]), ...unset.map((name) => DATA_PREFIX + name)];
    let indexed: Indexed = { user: '', until: 0 };
    for (let round = 0; round < MAX_INDEX_ROUNDS; round++) {
      const args = [write.create ? 1 : 0, write.createdAt, write.touchedAt, write.ttl, Date.now(), mode, write.userId ?? '', indexed.user, indexed.until, set.length, ...fields];
      // The second value: on 'extend' the owner to index first, otherwise the owner before this save.
      const [outcome, previous] = (await this.run(SCRIPTS.save, key, args)) as SaveReply;
      if (outcome === 'extend') {
        indexed = await this.index(previous as string, id, write.ttl);
        continue;
      }
      const owner = outcome === 'saved' && mode === 'keep' ? previous : outcome === 'saved' ? write.userId : null;
      if (previous && previous !== owner) await this.live().zrem(this.userKey(previous), id);
      return outcome;
    }
    throw new Error('nest-session: RedisSessionStore could not index a session whose owner kept changing');
  }

  async touch(id: string, touchedAt: number, ttl: number): Promise<boolean> {
    let indexed: Indexed = { user: '', until: 0 };
    for (let round = 0; round < MAX_INDEX_ROUNDS; round++) {
      const reply = await this.run(SCRIPTS.touch, this.sessionKey(id), [touchedAt, ttl, Date.now(), indexed.user, indexed.until]);
      if (typeof reply !== 'string') return reply === 1;
      indexed = await this.index(reply, id, ttl);
    }
    throw new Error('nest-session: RedisSessionStore could not index a session whose owner kept changing');
  }

  async destroy(id: string): Promise<void> {
    const owner = await this.run(SCRIPTS.destroy, this.sessionKey(id), []);
    if (typeof owner === 'string') await this.live().zrem(this.userKey(owner), id);
  }

  /**
   * Lists the user's sessions, checking each against its record: the index is in another slot
   * than the sessions, so it can hold ids of sessions that expired or changed owner. Those are
   * dropped from the index here (lazy cleanup), and never listed.
   */
  override async findByUser(userId: string): Promise<string[]> {
    const key = this.userKey(userId);
    const ids = (await this.live().zrangebyscore(key, Date.now(), '+inf')).filter((id) => ID.test(id));
    const owners = await Promise.all(ids.map((id) => this.live().hget(this.sessionKey(id), META.userId)));
    const stale = ids.filter((_, i) => owners[i] !== userId);
    if (stale.length > 0) await this.live().zrem(key, ...stale);
    return ids.filter((_, i) => owners[i] === userId);
  }

  /** Closes the client if the store created it; a client passed in is left open. */
  override async close(): Promise<void> {
    if (!this.owned) return;
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }

  /** `<prefix>{<id>}`: the braces pin the hash slot to the id alone, whatever the prefix. */
  private sessionKey(id: string): string {
    if (!ID.test(id)) throw new Error('nest-session: RedisSessionStore refused a malformed session id');
    return `${this.prefix}{${id}}`;
  }

  /** Escapes `%`, `{` and `}` (one-to-one), so a user id cannot pick its own hash slot. */
  private userKey(userId: string): string {
    const escaped = userId.replace(/[%{}]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
    return `${this.prefix}user:{${escaped}}`;
  }

  private async index(user: string, id: string, ttl: number): Promise<Indexed> {
    const now = Date.now();
    const until = now + 2 * ttl;
    await this.run(SCRIPTS.index, this.userKey(user), [id, until, now]);
    return { user, until };
  }

  private async run(script: LuaScript, key: string, args: (string | number)[]): Promise<unknown> {
    const client = this.live();
    try {
      return await client.evalsha(script.sha, 1, key, ...args);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return client.eval(script.lua, 1, key, ...args);
    }
  }

  /**
   * The client, refused at once while an owned client is between reconnection attempts: a
   * Cluster client would otherwise queue the command until the cluster comes back.
   */
  private live(): Client {
    const status = this.client.status;
    if (this.owned && (status === 'reconnecting' || status === 'close' || status === 'end')) {
      throw new Error(`nest-session: Redis is unreachable (client ${status})`);
    }
    return this.client;
  }

  private createClient(options: RedisSessionStoreOptions): Client {
    const ioredis = loadOptional<typeof import('ioredis')>('ioredis', 'RedisSessionStore');
    let client: Client;
    if (options.cluster) {
      const { nodes, options: own = {} } = options.cluster;
      client = new ioredis.Cluster(nodes, {
        clusterRetryStrategy: FAIL_FAST.retryStrategy,
        ...own,
        redisOptions: { ...FAIL_FAST, ...own.redisOptions },
      });
    } else if (typeof options.connection === 'string') {
      client = new ioredis.Redis(options.connection, FAIL_FAST);
    } else {
      client = new ioredis.Redis({ ...FAIL_FAST, ...options.connection });
    }
    // Without a listener, an 'error' event (Redis restarting) would crash the process.
    client.on('error', (error: Error) => {
      if (this.failing) return;
      this.failing = true;
      this.logger.warn(`Redis connection failed (${error.message}); session calls fail until it is back.`);
    });
    client.on('ready', () => {
      if (this.failing) this.logger.log('Redis connection is back.');
      this.failing = false;
    });
    return client;
  }
}

interface Indexed {
  user: string;
  until: number;
}
