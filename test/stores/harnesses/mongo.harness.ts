import { randomBytes } from 'node:crypto';
import { type Collection, MongoClient } from 'mongodb';
import { MongoSessionStore, type MongoSessionDocument, type MongoSessionStoreOptions } from '../../../lib/stores/mongo';
import { type MongoTestServer, type MongoTestServerOptions, startMongoServer } from '../../setup/mongo-server';
import type { StoreHarness } from '../store-contract';

export interface MongoHarness extends StoreHarness {
  store: MongoSessionStore;
  server: MongoTestServer;
  /** The store's collection through a client of its own, for looking at what the store wrote. */
  raw: Collection<MongoSessionDocument>;
}

/**
 * A Mongo store with an owned client (`{ url, dbName }`), against a wire-protocol test server of
 * its own (see test/setup/mongo-server.ts) with a database name of its own.
 */
export async function openMongo(
  options: Pick<MongoSessionStoreOptions, 'createIndexes' | 'collectionName'> = {},
  serverOptions: MongoTestServerOptions = {},
): Promise<MongoHarness> {
  const server = await startMongoServer(serverOptions);
  const dbName = `nest_session_test_${randomBytes(6).toString('hex')}`;
  const store = new MongoSessionStore({ url: server.url, dbName, ...options });
  const client = new MongoClient(server.url, { serverSelectionTimeoutMS: 2000 });
  const raw = client.db(dbName).collection<MongoSessionDocument>(options.collectionName ?? 'sessions');
  return {
    store,
    server,
    raw,
    cleanup: async () => {
      await store.close();
      await client.close();
      await server.close();
    },
  };
}
