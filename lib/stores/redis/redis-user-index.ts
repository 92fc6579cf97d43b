import { createHash } from 'node:crypto';
import type { RedisClientLike } from './redis-client.types';
import type { RedisMetadataLayout } from './redis-session.layout';
import type { LuaScript } from './lua-script';
import { FIND_IN_BUCKET, INDEX, indexMargin } from './redis-user-index.scripts';

/**
 * Buckets of the shared user index. Fixed, not an option: a session is found through the bucket
 * its owner hashes to, so a server counting differently would miss the sessions its peers
 * indexed, and "log out everywhere" would leave some logged in. 2,048 keeps a bucket in Redis's
 * compact listpack encoding (at most 128 entries, `zset-max-listpack-entries`) up to about 200,000
 * indexed sessions; past that, buckets become skiplists, which take more bytes per entry (still
 * fewer than a key per user: 547 bytes a session at 1,000,000, against 596 at 20,000 with a key
 * per user) and are as fast. `zset-max-listpack-entries 1024` in Redis keeps them compact to about
 * 2,000,000 (458 bytes a session at 1,000,000): docs/stores/redis.md, Memory.
 */
export const USER_INDEX_BUCKETS = 2048;

/** Length of a user's tag: 8 bytes of SHA-256 in base64url. With a 43-character id, an entry is 54 bytes (listpack holds up to 64). */
const TAG_LENGTH = 11;

/** Where a user's sessions are indexed: the bucket's key and the tag that starts each of the user's entries. */
interface UserIndexSlot {
  readonly bucket: string;
  readonly tag: string;
}

/**
 * The user index ("log out everywhere", devices, session limits): which sessions a user owns.
 *
 * The `'compact'` layout shares one sorted set among the users whose id hashes to the same bucket,
 * `<prefix>users:{<n>}`, n < {@link USER_INDEX_BUCKETS}: an entry is the user's tag followed by the
 * session id, scored with the time it is kept until. A key of its own per user cost about 190
 * bytes before it listed anything (docs/stores/redis.md, Memory); a bucket's cost is shared by
 * the sessions it lists. Tags may collide: every entry found is checked against the owner field of
 * its session, so a collision costs a lookup, never a session of someone else.
 *
 * The `'0.1'` layout writes the per-user sorted set of nest-session 0.1, `<prefix>user:{<userId>}`
 * (entries are session ids), which is all a 0.1 server reads. Both layouts read both kinds: an
 * entry written by the other layout lists its session until it expires.
 */
export class RedisUserIndex {
  /** The slot computed last, and whose it is (see {@link slot}). */
  private last?: UserIndexSlot & { readonly user: string };

  constructor(
    private readonly prefix: string,
    private readonly layout: RedisMetadataLayout,
    private readonly client: () => RedisClientLike,
    private readonly run: (script: LuaScript, key: string, args: (string | number)[]) => Promise<unknown>,
  ) {}

  /**
   * Indexes session `id` under `user` (in the kind of index this layout writes) for a session
   * given `ttl`, and returns until when: `ttl / 2` past the session's expiry plus the skew margin
   * (see `INDEX_CHECK`), so that at most one save or touch in `ttl / 2` extends it.
   */
  async add(user: string, id: string, ttl: number): Promise<number> {
    const now = Date.now();
    const until = Math.ceil(now + ttl + indexMargin(ttl) + ttl / 2);
    const { key, member } = this.entry(user, id);
    await this.run(INDEX, key, [member, until, now]);
    return until;
  }

  /** The ids the index lists under `user` and keeps past `now`, unchecked: the store checks each against its session. */
  async list(user: string, now: number): Promise<string[]> {
    const { bucket, tag } = this.slot(user);
    const [shared, own] = await Promise.all([this.run(FIND_IN_BUCKET, bucket, [now, tag]) as Promise<string[]>, this.client().zrangebyscore(this.userKey(user), now, '+inf')]);
    return [...new Set([...shared, ...own])];
  }

  /**
   * Drops session `id` from `user`'s entries in the kind of index this layout writes. An entry of
   * the other kind (written by a server of the other layout) is dropped by {@link prune} when a
   * lookup finds it, or expires with its score; until then it lists nothing, since every entry is
   * checked against its session.
   */
  async remove(user: string, id: string): Promise<void> {
    const { key, member } = this.entry(user, id);
    await this.client().zrem(key, member);
  }

  /**
   * Drops the entries found under `user`, of both kinds, whose session is gone (`owners[i]`
   * undefined) or owned by another user, except one whose bucket and tag are `user`'s (a 64-bit
   * tag collision): that entry is its owner's too, and dropping it would hide the session from
   * its owner.
   */
  async prune(user: string, ids: readonly string[], owners: readonly (string | undefined)[]): Promise<void> {
    const { bucket, tag } = this.slot(user);
    const shares = (owner: string) => {
      const theirs = this.slot(owner);
      return theirs.bucket === bucket && theirs.tag === tag;
    };
    const stale = ids.filter((_, i) => owners[i] !== user && (owners[i] === undefined || !shares(owners[i])));
    if (stale.length === 0) return;
    await Promise.all([this.client().zrem(bucket, ...stale.map((id) => tag + id)), this.client().zrem(this.userKey(user), ...stale)]);
  }

  /** The key of the lock on a user for `maxSessionsPerUser`: the same as 0.1's, so both versions exclude each other. */
  lockKey(user: string): string {
    return `${this.userKey(user)}:lock`;
  }

  /** The key and entry of session `id` under `user` in the kind of index this layout writes. */
  private entry(user: string, id: string): { key: string; member: string } {
    if (this.layout === '0.1') return { key: this.userKey(user), member: id };
    const { bucket, tag } = this.slot(user);
    return { key: bucket, member: tag + id };
  }

  /**
   * The user's bucket and tag: independent bits of one SHA-256 of the id. The last one is kept: a
   * lookup asks for the same user's slot again when it prunes what it found.
   */
  private slot(user: string): UserIndexSlot {
    if (this.last?.user === user) return this.last;
    const digest = createHash('sha256').update(user).digest();
    const bucket = `${this.prefix}users:{${digest.readUInt32BE(8) % USER_INDEX_BUCKETS}}`;
    this.last = { user, bucket, tag: digest.subarray(0, 8).toString('base64url').slice(0, TAG_LENGTH) };
    return this.last;
  }

  /** 0.1's per-user key. Escapes `%`, `{` and `}` (one-to-one), so a user id cannot pick its own hash slot. */
  private userKey(user: string): string {
    const escaped = user.replace(/[%{}]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
    return `${this.prefix}user:{${escaped}}`;
  }
}
