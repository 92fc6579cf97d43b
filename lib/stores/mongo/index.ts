export type { MongoSessionDocument } from './mongo-session.document';
export * from './mongo-session.store';
