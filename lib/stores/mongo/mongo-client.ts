import { SessionOptionsError } from '../../errors';
import { loadOptional } from '../../utils/load-optional';
import { guardClientErrors, resolveClient } from '../shared/owned-client';
import type { MongoClientOptionsLike, MongoCollectionLike, MongoDbLike } from './mongo-client.types';
import type { MongoSessionStoreOptions } from './mongo-session.options';

/**
 * Owned-client defaults: an operation fails after 1.5 s without a server (the driver would wait
 * 30 s; this stays below the module's `storeTimeout`), a hung socket after 5 s, and the driver
 * reconnects by itself when the server is back.
 */
export const MONGO_FAIL_FAST = { serverSelectionTimeoutMS: 1500, connectTimeoutMS: 1500, socketTimeoutMS: 5000 } satisfies MongoClientOptionsLike;

/** The owned client: what the store closes. */
export interface MongoClientLike {
  db(name?: string): MongoDbLike;
  close(): Promise<void>;
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/**
 * The store's collection: the `collection` you passed, or `collectionName` in your `db`, or in a
 * client that the store creates from `url` and owns; `client` is set only in that last case.
 */
export function resolveMongoCollection(options: MongoSessionStoreOptions): { collection: MongoCollectionLike; client?: MongoClientLike } {
  const { collection, db, url } = options;
  const resolved = resolveClient<MongoCollectionLike | MongoDbLike | MongoClientLike>('MongoSessionStore', { collection, db }, { url }, () => {
    if (!options.dbName) throw new SessionOptionsError('MongoSessionStore needs `dbName` with `url`.');
    return createMongoClient(url ?? '', options.clientOptions); // only called when `url` is set
  });
  const client = resolved.owned ? (resolved.client as MongoClientLike) : undefined;
  return { collection: collection ?? (db ?? (client as MongoClientLike).db(options.dbName)).collection(options.collectionName ?? 'sessions'), client };
}

function createMongoClient(url: string, extra: MongoClientOptionsLike = {}): MongoClientLike {
  const { MongoClient: Client } = loadOptional<typeof import('mongodb')>('mongodb', 'MongoSessionStore');
  const client: MongoClientLike = new Client(url, { ...MONGO_FAIL_FAST, ...extra });
  // The driver reports failures through rejected operations and monitoring events; the guard is
  // there should an 'error' event ever be emitted, since an unhandled one ends the process.
  guardClientErrors(client, 'MongoSessionStore', 'MongoDB');
  return client;
}
