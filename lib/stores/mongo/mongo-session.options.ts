import type { MongoClientOptionsLike, MongoCollectionLike, MongoDbLike } from './mongo-client.types';

/** Options of {@link MongoSessionStore}: give exactly one of `collection`, `db` or `url`. */
export interface MongoSessionStoreOptions {
  /** The collection to use, from a client you created. The store never closes your client. @default undefined */
  collection?: MongoCollectionLike;
  /** A database of a client you created; the store uses `collectionName` in it. @default undefined */
  db?: MongoDbLike;
  /**
   * Connection string of a client that the store creates, owns and closes in `close()`; needs
   * `dbName`. It fails fast while MongoDB is unreachable (see {@link MONGO_FAIL_FAST}) and recovers
   * by itself when the server is back.
   * @default undefined
   */
  url?: string;
  /** Database of the owned client (with `url`). @default undefined */
  dbName?: string;
  /** Collection name (with `db` or `url`). @default 'sessions' */
  collectionName?: string;
  /** Extra options of the owned client, over {@link MONGO_FAIL_FAST}. @default {} */
  clientOptions?: MongoClientOptionsLike;
  /**
   * Create the TTL index on `expiresAt` and the index on `userId` on first use. Turn it off when
   * migrations own the indexes or the app's user may not create them.
   * @default true
   */
  createIndexes?: boolean;
}
