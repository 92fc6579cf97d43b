export { MONGO_FAIL_FAST } from './mongo-client';
export type { MongoClientOptionsLike, MongoCollectionLike, MongoDbLike } from './mongo-client.types';
export type { MongoSessionDocument } from './mongo-session.document';
export * from './mongo-session.store';
