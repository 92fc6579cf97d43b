import { randomBytes } from 'node:crypto';
import { pollLock, type ReleaseUserLock } from '../shared/user-lock';
import type { MongoCollectionLike } from './mongo-client.types';

/** MongoDB's duplicate key error: the lock document exists and has not expired. */
const DUPLICATE_KEY = 11000;

/**
 * A lock shared by every process on the same collection: one document per lock, taken with an
 * upsert that matches only an expired one. While a live lock document exists, the upsert tries to
 * insert a second document with the same `_id` and fails with a duplicate key, which MongoDB
 * guarantees for `_id`. Its `expiresAt` (the lease, five store timeouts) lets the next contender
 * take it over if the holder died, and the collection's TTL index removes it later. Release
 * deletes it only with the holder's token. Lock ids start with `lock:`, so they never meet a
 * session id (43 base64url characters) and carry no `userId` for the user index to find.
 */
export async function lockMongoDocument(collection: MongoCollectionLike, id: string, timeout: number): Promise<ReleaseUserLock> {
  const token = randomBytes(16).toString('base64url');
  await pollLock('MongoSessionStore', timeout, async () => {
    const now = new Date();
    try {
      await collection.updateOne({ _id: id, expiresAt: { $lte: now } }, { $set: { token, expiresAt: new Date(now.getTime() + timeout * 5) } }, { upsert: true });
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  });
  return async () => {
    await collection.deleteOne({ _id: id, token }).catch(() => undefined);
  };
}
