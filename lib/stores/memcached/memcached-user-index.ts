import { createHash } from 'node:crypto';
import { CONFLICT, orConflict, withCas } from './memcached-cas';
import type { MemcachedClientLike } from './memcached-client.types';
import { decodeLive } from './memcached-record';

/**
 * The user index: memcached cannot list keys, so each user has one item, `<prefix>user:<hash>`,
 * holding the JSON array of their session ids, changed only through gets/CAS (or `add` when it
 * does not exist) so concurrent logins never drop each other's ids.
 *
 * The item holds about the user's live sessions, never their history: a destroy (logout,
 * regenerate, emptied session) removes its id, and every `add` (a login) first drops the ids
 * whose session expired or was evicted, checked with one multi-get of the listed sessions. So a
 * login costs what the user's live sessions cost, whatever the number of past logins, and the
 * item never grows toward memcached's item size limit. Lookups check and drop dead ids too.
 * Index items never expire (exptime 0) because a touch can extend a session past any expiry set
 * at login; like every memcached item they can still be evicted under memory pressure, and then
 * `findByUser` misses that user's sessions until they save again.
 */
/** One listed session: its id, and when it was added (epoch ms; 0 in items of older versions). */
type Entry = [id: string, addedAt: number];

export class MemcachedUserIndex {
  /**
   * @param grace how long an id added to the index counts as pending even though its session
   *   cannot be read yet: a login indexes first and stores the session after, and a concurrent
   *   login must not drop that id in between. The store passes its call timeout plus a margin: no
   *   save stores anything after its deadline.
   */
  constructor(
    private readonly client: MemcachedClientLike,
    private readonly prefix: string,
    private readonly attempts: number,
    private readonly grace: () => number,
  ) {}

  /** The key of a user's index item: a hash, so any user id makes a valid, bounded key. */
  keyOf(userId: string): string {
    return `${this.prefix}user:${createHash('sha256').update(userId).digest('base64url')}`;
  }

  /** Adds `id`, dropping the ids of sessions that are no longer this user's live sessions. */
  add(userId: string, id: string, sessionKey: (id: string) => string): Promise<void> {
    return this.change(userId, async (entries) => {
      const others = entries.filter(([other]) => other !== id);
      const { kept } = await this.check(userId, others, sessionKey);
      return [...kept, [id, Date.now()]];
    });
  }

  remove(userId: string, id: string): Promise<void> {
    return this.change(userId, (entries) => (entries.some(([other]) => other === id) ? entries.filter(([other]) => other !== id) : null));
  }

  /** Live sessions of the user: each listed id whose record is live and still names this user. */
  async find(userId: string, sessionKey: (id: string) => string): Promise<string[]> {
    const key = this.keyOf(userId);
    const item = await this.client.gets(key);
    const entries = parseEntries(item?.value);
    const { live, kept } = await this.check(userId, entries, sessionKey);
    if (item && kept.length < entries.length) {
      // One attempt only: a conflict means someone else is changing the list, and the next
      // lookup drops the dead ids again.
      await orConflict(this.client.cas(key, JSON.stringify(kept), { casUniq: item.casUniq, lifetime: 0 })).catch(() => undefined);
    }
    return live;
  }

  /**
   * Reads the listed sessions, 100 per multi-get: `live` are the ids whose session is live and
   * still names this user; `kept` adds the entries still pending (see `grace`).
   */
  private async check(userId: string, entries: Entry[], sessionKey: (id: string) => string): Promise<{ live: string[]; kept: Entry[] }> {
    const live: string[] = [];
    const kept: Entry[] = [];
    const pendingSince = Date.now() - this.grace();
    for (let start = 0; start < entries.length; start += 100) {
      const chunk = entries.slice(start, start + 100);
      const records = (await this.client.get(chunk.map(([id]) => sessionKey(id)))) as Record<string, { value?: unknown } | undefined>;
      for (const entry of chunk) {
        const owned = decodeLive(records[sessionKey(entry[0])]?.value)?.userId === userId;
        if (owned) live.push(entry[0]);
        if (owned || entry[1] > pendingSince) kept.push(entry);
      }
    }
    return { live, kept };
  }

  private change(userId: string, next: (entries: Entry[]) => Entry[] | null | Promise<Entry[] | null>): Promise<void> {
    const key = this.keyOf(userId);
    return withCas(key, this.attempts, async () => {
      const item = await this.client.gets(key);
      const entries = await next(parseEntries(item?.value));
      if (entries === null) return undefined;
      const value = JSON.stringify(entries);
      const stored = item
        ? await orConflict(this.client.cas(key, value, { casUniq: item.casUniq, lifetime: 0 }))
        : await orConflict(this.client.add(key, value, { lifetime: 0, ignoreNotStored: false }));
      return stored === CONFLICT ? CONFLICT : undefined;
    });
  }
}

/** The entries of an index item; plain ids (items written by older versions) count as added at 0. */
function parseEntries(value: unknown): Entry[] {
  if (typeof value !== 'string') return [];
  try {
    const items = JSON.parse(value) as unknown;
    if (!Array.isArray(items)) return [];
    const entries: Entry[] = [];
    for (const item of items) {
      if (typeof item === 'string') entries.push([item, 0]);
      else if (Array.isArray(item) && typeof item[0] === 'string' && typeof item[1] === 'number') entries.push([item[0], item[1]]);
    }
    return entries;
  } catch {
    return [];
  }
}
