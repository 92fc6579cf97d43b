import { createHash } from 'node:crypto';
import { CONFLICT, orConflict, withCas } from './memcached-cas';
import type { MemcachedClientLike } from './memcached-client.types';
import { decodeLive } from './memcached-record';

/**
 * The user index: memcached cannot list keys, so each user has one item, `<prefix>user:<hash>`,
 * holding the JSON array of their session ids, changed only through gets/CAS (or `add` when it
 * does not exist) so concurrent logins never drop each other's ids. Ids are checked against the
 * sessions themselves on every lookup, and dead ones are dropped then: destroy and expiry cost
 * nothing here. Index items never expire (exptime 0) because a touch can extend a session past
 * any expiry set at login; like every memcached item they can still be evicted under memory
 * pressure, and then `findByUser` misses that user's sessions until they save again.
 */
export class MemcachedUserIndex {
  constructor(
    private readonly client: MemcachedClientLike,
    private readonly prefix: string,
    private readonly attempts: number,
  ) {}

  /** The key of a user's index item: a hash, so any user id makes a valid, bounded key. */
  keyOf(userId: string): string {
    return `${this.prefix}user:${createHash('sha256').update(userId).digest('base64url')}`;
  }

  add(userId: string, id: string): Promise<void> {
    return this.change(userId, (ids) => (ids.includes(id) ? null : [...ids, id]));
  }

  remove(userId: string, id: string): Promise<void> {
    return this.change(userId, (ids) => (ids.includes(id) ? ids.filter((other) => other !== id) : null));
  }

  /** Live sessions of the user: each listed id whose record is live and still names this user. */
  async find(userId: string, sessionKey: (id: string) => string): Promise<string[]> {
    const key = this.keyOf(userId);
    const item = await this.client.gets(key);
    const ids = parseIds(item?.value);
    const live: string[] = [];
    for (let start = 0; start < ids.length; start += 100) {
      const chunk = ids.slice(start, start + 100);
      const records = (await this.client.get(chunk.map(sessionKey))) as Record<string, { value?: unknown } | undefined>;
      for (const id of chunk) {
        if (decodeLive(records[sessionKey(id)]?.value)?.userId === userId) live.push(id);
      }
    }
    if (item && live.length < ids.length) {
      // One attempt only: a conflict means someone else is changing the list, and the next
      // lookup drops the dead ids again.
      await orConflict(this.client.cas(key, JSON.stringify(live), { casUniq: item.casUniq, lifetime: 0 })).catch(() => undefined);
    }
    return live;
  }

  private change(userId: string, next: (ids: string[]) => string[] | null): Promise<void> {
    const key = this.keyOf(userId);
    return withCas(key, this.attempts, async () => {
      const item = await this.client.gets(key);
      const ids = next(parseIds(item?.value));
      if (ids === null) return undefined;
      const value = JSON.stringify(ids);
      const stored = item
        ? await orConflict(this.client.cas(key, value, { casUniq: item.casUniq, lifetime: 0 }))
        : await orConflict(this.client.add(key, value, { lifetime: 0, ignoreNotStored: false }));
      return stored === CONFLICT ? CONFLICT : undefined;
    });
  }
}

function parseIds(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  try {
    const ids = JSON.parse(value) as unknown;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}
