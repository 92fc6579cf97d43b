/**
 * The parts of the MongoDB driver the Mongo store uses, declared here so that the published
 * typings never name `mongodb`: an app without it installed compiles with `skipLibCheck: false`.
 * The driver's `Collection` and `Db` satisfy these as they are.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface MongoCollectionLike {
  findOne(filter: any, options?: any): Promise<any>;
  findOneAndUpdate(filter: any, update: any, options: any): Promise<any>;
  updateOne(filter: any, update: any, options?: any): Promise<any>;
  deleteOne(filter: any, options?: any): Promise<any>;
  countDocuments(filter: any, options?: any): Promise<number>;
  find(filter: any, options?: any): { toArray(): Promise<any[]> };
  createIndex(spec: any, options?: any): Promise<string>;
}

/** A driver `Db`: where the store finds its collection. */
export interface MongoDbLike {
  collection(name: string): MongoCollectionLike;
}

/** Driver `MongoClientOptions` for the client the store creates. */
export interface MongoClientOptionsLike {
  serverSelectionTimeoutMS?: number;
  connectTimeoutMS?: number;
  socketTimeoutMS?: number;
  /** Any other driver option, passed on unchanged. */
  [option: string]: any;
}
