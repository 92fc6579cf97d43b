import { createHash } from 'node:crypto';
import type { SaveOutcome, SessionRecord, SessionWrite } from '../../contract/session-store';
import { SessionStoreTimeoutError } from '../../errors/session-store-timeout.error';
import { BaseSessionStore, checkSessionId } from '../shared';
import { type MongoClientLike, resolveMongoCollection } from './mongo-client';
import type { MongoCollectionLike } from './mongo-client.types';
import { encodeField, type MongoSessionDocument, toRecord } from './mongo-session.document';
import type { MongoSessionStoreOptions } from './mongo-session.options';
import { lockMongoDocument } from './mongo-user-lock';

export type { MongoSessionStoreOptions } from './mongo-session.options';

const DUPLICATE_KEY = 11000;
/** MaxTimeMSExpired: the server stopped the operation at its `maxTimeMS`. */
const MAX_TIME_EXPIRED = 50;

type Document = Record<string, unknown>;

/**
 * Sessions in MongoDB through the official driver, one document per session. Every query filters
 * on `expiresAt > now` (the TTL monitor only runs about once a minute). A save is one
 * `findOneAndUpdate` that `$set`s and `$unset`s only the keys that changed, filtered on the id
 * and a live expiry, so concurrent saves merge and a destroyed or expired session is never
 * patched back to life; a session left empty is then deleted by a delete that matches only while
 * `data` is still empty.
 *
 * Timeouts: every write carries `maxTimeMS` (the timeout of `start()`), so the server stops an
 * operation that runs or waits longer, and a second step of a save (the delete of an emptied
 * session) is not sent after the deadline. A single-document write that the server applies just
 * before its `maxTimeMS`, and whose reply arrives more than the module's extra 500 ms later, is
 * not covered: MongoDB cannot undo it.
 */
export class MongoSessionStore extends BaseSessionStore {
  private readonly collection: MongoCollectionLike;
  private readonly client?: MongoClientLike;
  private readonly createIndexes: boolean;
  private indexed?: Promise<void>;

  constructor(options: MongoSessionStoreOptions) {
    super();
    this.createIndexes = options.createIndexes ?? true;
    ({ collection: this.collection, client: this.client } = resolveMongoCollection(options));
  }

  /** A lock on the user for `maxSessionsPerUser`, as a document of the collection (see {@link lockMongoDocument}). */
  override async lockUser(userId: string): Promise<() => Promise<void>> {
    await this.init();
    return lockMongoDocument(this.collection, `lock:${createHash('sha256').update(userId).digest('base64url')}`, this.timeout);
  }

  /** Creates the indexes now (otherwise on first use); safe to call more than once. */
  init(): Promise<void> {
    if (!this.createIndexes) return Promise.resolve();
    this.indexed ??= Promise.all([this.collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 }), this.collection.createIndex({ userId: 1 }, { sparse: true })]).then(
      () => undefined,
      (error: unknown) => {
        this.indexed = undefined;
        throw error;
      },
    );
    return this.indexed;
  }

  async get(id: string): Promise<SessionRecord | null> {
    await this.init();
    const doc = await this.collection.findOne(this.live(id), { projection: { data: 1, createdAt: 1, touchedAt: 1 } });
    // No key: a save emptied it and its delete is on the way; that is no session.
    if (!doc || Object.keys(doc.data ?? {}).length === 0) return null;
    return toRecord(doc);
  }

  async save(id: string, write: SessionWrite): Promise<SaveOutcome> {
    await this.init();
    const now = new Date();
    const update = this.updateOf(write, now);
    const deadline = now.getTime() + this.timeout;
    const options = { upsert: write.create, returnDocument: 'after', projection: { data: 1 }, maxTimeMS: this.timeout } as const;
    let doc: Pick<MongoSessionDocument, 'data'> | null;
    try {
      doc = await this.bounded(this.collection.findOneAndUpdate(this.live(id, now), update, options));
    } catch (error) {
      if (!write.create || (error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      // An expired document the TTL monitor has not removed yet holds this id: drop it, retry.
      await this.bounded(this.collection.deleteOne({ _id: id, expiresAt: { $lte: now } }, this.maxTime(deadline)));
      doc = await this.bounded(this.collection.findOneAndUpdate(this.live(id, now), update, { ...options, ...this.maxTime(deadline) }));
    }
    if (!doc) return 'missing';
    if (Object.keys(doc.data ?? {}).length > 0) return 'saved';
    // Emptied. The delete matches only while `data` is still empty, so a key that a concurrent
    // save added in between keeps the session (and nothing is lost); MongoDB offers no single
    // command that updates and then deletes on a condition of the result.
    const { deletedCount } = await this.bounded(this.collection.deleteOne({ _id: id, $or: [{ data: {} }, { data: { $exists: false } }] }, this.maxTime(deadline)));
    if (deletedCount === 1) return 'deleted';
    return (await this.collection.countDocuments({ _id: id }, { limit: 1 })) > 0 ? 'saved' : 'deleted';
  }

  async touch(id: string, touchedAt: number, ttl: number): Promise<boolean> {
    await this.init();
    const now = new Date();
    const update = { $set: { touchedAt: new Date(touchedAt), expiresAt: new Date(now.getTime() + ttl) } };
    const { matchedCount } = await this.bounded(this.collection.updateOne(this.live(id, now), update, { maxTimeMS: this.timeout }));
    return matchedCount === 1;
  }

  async destroy(id: string): Promise<void> {
    await this.init();
    await this.bounded(this.collection.deleteOne({ _id: checked(id) }, { maxTimeMS: this.timeout }));
  }

  /** One indexed query on `userId`, live sessions only. */
  override async findByUser(userId: string): Promise<string[]> {
    await this.init();
    const docs: Pick<MongoSessionDocument, '_id'>[] = await this.collection.find({ userId, expiresAt: { $gt: new Date() } }, { projection: { _id: 1 } }).toArray();
    return docs.map((doc) => doc._id);
  }

  override async close(): Promise<void> {
    await this.client?.close();
  }

  /**
   * `maxTimeMS` for a later step of a call: what is left until its deadline. A step that would
   * start after the deadline is not sent at all.
   */
  private maxTime(deadline: number): { maxTimeMS: number } {
    const left = deadline - Date.now();
    if (left <= 0) throw new SessionStoreTimeoutError('MongoSessionStore', this.timeout);
    return { maxTimeMS: left };
  }

  /** The server's MaxTimeMSExpired becomes {@link SessionStoreTimeoutError}: nothing was written. */
  private async bounded<T>(operation: Promise<T>): Promise<T> {
    try {
      return await operation;
    } catch (error) {
      if ((error as { code?: number }).code === MAX_TIME_EXPIRED) throw Object.assign(new SessionStoreTimeoutError('MongoSessionStore', this.timeout), { cause: error });
      throw error;
    }
  }

  private live(id: string, now = new Date()) {
    return { _id: checked(id), expiresAt: { $gt: now } };
  }

  private updateOf(write: SessionWrite, now: Date): Document {
    const unset = new Set(write.unset);
    const $set: Document = { touchedAt: new Date(write.touchedAt), expiresAt: new Date(now.getTime() + write.ttl) };
    const $unset: Document = {};
    // A key both set and unset ends unset (as in the memory store); MongoDB would refuse the conflict.
    for (const [key, value] of Object.entries(write.set)) if (!unset.has(key)) $set[`data.${encodeField(key)}`] = JSON.stringify(value);
    for (const key of unset) $unset[`data.${encodeField(key)}`] = '';
    if (typeof write.userId === 'string') $set.userId = write.userId;
    else if (write.userId === null) $unset.userId = '';
    return { $set, ...(Object.keys($unset).length > 0 ? { $unset } : {}), $setOnInsert: { createdAt: new Date(write.createdAt) } };
  }
}

/** Ids are values here, not paths; the check keeps a non-string (an operator object) out of filters. */
function checked(id: string): string {
  return checkSessionId(id, 'MongoSessionStore');
}
