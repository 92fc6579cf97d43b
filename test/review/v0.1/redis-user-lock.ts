import { randomBytes } from 'node:crypto';
import { pollLock, type ReleaseUserLock } from '../../../lib/stores/shared/user-lock';
import type { RedisClientLike } from './redis-client.types';

const ACQUIRE = "return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0";
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/**
 * A lock on one key shared by every process on the same Redis: `SET NX PX` with a random token,
 * released only by its holder (compare-and-delete). The lease (five store timeouts) frees the
 * lock if its holder dies; a holder never runs that long, since each step it takes is bounded by
 * the store timeout.
 */
export async function lockRedisKey(client: () => RedisClientLike, key: string, timeout: number): Promise<ReleaseUserLock> {
  const token = randomBytes(16).toString('base64url');
  await pollLock('RedisSessionStore', timeout, async () => (await client().eval(ACQUIRE, 1, key, token, timeout * 5)) === 1);
  return async () => {
    await Promise.resolve()
      .then(() => client().eval(RELEASE, 1, key, token))
      .catch(() => undefined);
  };
}
