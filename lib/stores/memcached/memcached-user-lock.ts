import { randomBytes } from 'node:crypto';
import { pollLock, type ReleaseUserLock } from '../shared/user-lock';
import { CONFLICT, orConflict } from './memcached-cas';
import type { MemcachedClientLike } from './memcached-client.types';

/**
 * A lock on one key shared by every process on the same memcached: `add` stores the key only if
 * it is absent, atomically, so exactly one contender gets it. It expires by itself after its lease
 * (five store timeouts, at least a second: memcached counts whole seconds) if its holder dies.
 * Release reads the key and deletes it only if it still holds this holder's token; memcached has
 * no compare-and-delete, so a lock that expired and was taken again in the instant between the
 * two could be deleted, which a holder whose steps are each bounded by the store timeout does not
 * reach.
 */
export async function lockMemcachedKey(client: MemcachedClientLike, key: string, timeout: number): Promise<ReleaseUserLock> {
  const token = randomBytes(16).toString('base64url');
  const lifetime = Math.max(1, Math.ceil((timeout * 5) / 1000));
  await pollLock('MemcachedSessionStore', timeout, async () => (await orConflict(client.add(key, token, { lifetime, ignoreNotStored: false }))) !== CONFLICT);
  return async () => {
    try {
      const item = await client.get(key);
      if (item?.value === token) await client.delete(key);
    } catch {
      // The lease frees it.
    }
  };
}
