import { BSON, type Document } from 'mongodb';
import { Collection, type IndexSpec, MongoError } from './collection';

/** Databases of one test server: name -> collection name -> collection. */
export type Databases = Map<string, Map<string, Collection>>;

type Handler = (databases: Databases, db: string, body: Document) => Document;

const noCursor = BSON.Long.fromNumber(0);

function collection(databases: Databases, db: string, name: string, create: boolean): Collection | undefined {
  let collections = databases.get(db);
  if (!collections && create) databases.set(db, (collections = new Map()));
  let found = collections?.get(name);
  if (!found && create) collections!.set(name, (found = new Collection()));
  return found;
}

const cursor = (db: string, name: string, firstBatch: Document[]) => ({ cursor: { id: noCursor, ns: `${db}.${name}`, firstBatch }, ok: 1 });

/** Runs one write, turning a server error into a write error of that item, as mongod does. */
function writeEach<T>(items: T[], ordered: boolean, apply: (item: T) => void): Document[] {
  const writeErrors: Document[] = [];
  for (const [index, item] of items.entries()) {
    try {
      apply(item);
    } catch (error) {
      if (!(error instanceof MongoError)) throw error;
      writeErrors.push({ index, code: error.code, codeName: error.codeName, errmsg: error.message });
      if (ordered) break;
    }
  }
  return writeErrors;
}

const withErrors = (reply: Document, writeErrors: Document[]) => (writeErrors.length > 0 ? { ...reply, writeErrors } : reply);

/**
 * The commands the official driver sends for what session stores do. Anything else answers
 * CommandNotFound, as mongod does for an unknown command, so a store that starts using a new
 * command fails loudly here instead of passing by accident.
 */
export const COMMANDS: Record<string, Handler> = {
  hello: () => ({
    helloOk: true,
    ismaster: true,
    isWritablePrimary: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  }),
  ping: () => ({ ok: 1 }),
  buildInfo: () => ({ version: '7.0.0-test', versionArray: [7, 0, 0, 0], ok: 1 }),
  endSessions: () => ({ ok: 1 }),
  insert: (databases, db, body) => {
    const target = collection(databases, db, body.insert, true)!;
    let n = 0;
    const errors = writeEach(body.documents as Document[], body.ordered !== false, (doc) => {
      target.insert(doc);
      n += 1;
    });
    return withErrors({ n, ok: 1 }, errors);
  },
  find: (databases, db, body) => {
    const found = collection(databases, db, body.find, false)?.find(body.filter, body) ?? [];
    return cursor(db, body.find, found);
  },
  aggregate: (databases, db, body) => cursor(db, body.aggregate, collection(databases, db, body.aggregate, false)?.aggregate(body.pipeline) ?? []),
  count: (databases, db, body) => ({ n: collection(databases, db, body.count, false)?.find(body.query).length ?? 0, ok: 1 }),
  update: (databases, db, body) => {
    const target = collection(databases, db, body.update, true)!;
    let n = 0;
    let nModified = 0;
    const upserted: Document[] = [];
    const errors = writeEach(
      (body.updates as Document[]).map((item, index) => ({ item, index })),
      body.ordered !== false,
      ({ item, index }) => {
        const result = target.update(item.q, item.u, { multi: item.multi, upsert: item.upsert });
        n += result.upserted !== undefined ? 1 : result.matched;
        nModified += result.modified;
        if (result.upserted !== undefined) upserted.push({ index, _id: result.upserted });
      },
    );
    return withErrors({ n, nModified, ...(upserted.length > 0 ? { upserted } : {}), ok: 1 }, errors);
  },
  delete: (databases, db, body) => {
    const target = collection(databases, db, body.delete, false);
    let n = 0;
    for (const item of body.deletes as Document[]) n += target?.delete(item.q, item.limit).length ?? 0;
    return { n, ok: 1 };
  },
  findAndModify: (databases, db, body) => {
    const target = collection(databases, db, body.findAndModify, true)!;
    const project = (doc: Document | undefined) => (doc && body.fields ? projectOne(doc, body.fields) : (doc ?? null));
    if (body.remove) {
      const [removed] = target.delete(body.query ?? {}, 1, body.sort);
      return { lastErrorObject: { n: removed ? 1 : 0 }, value: project(removed), ok: 1 };
    }
    const result = target.update(body.query ?? {}, body.update, { upsert: body.upsert, sort: body.sort });
    const value = project(body.new ? result.after : result.before);
    const upserted = result.upserted !== undefined;
    return { lastErrorObject: { n: upserted ? 1 : result.matched, updatedExisting: result.matched > 0, ...(upserted ? { upserted: result.upserted } : {}) }, value, ok: 1 };
  },
  createIndexes: (databases, db, body) => {
    const target = collection(databases, db, body.createIndexes, true)!;
    const before = target.indexes.length;
    for (const spec of body.indexes as IndexSpec[]) target.createIndex(spec);
    return { numIndexesBefore: before, numIndexesAfter: target.indexes.length, ok: 1 };
  },
  listIndexes: (databases, db, body) => {
    const target = collection(databases, db, body.listIndexes, false);
    if (!target) throw new MongoError(26, 'NamespaceNotFound', `ns does not exist: ${db}.${body.listIndexes}`);
    return cursor(
      db,
      body.listIndexes,
      target.indexes.map((index) => ({ v: 2, ...index })),
    );
  },
  drop: (databases, db, body) => {
    databases.get(db)?.delete(body.drop);
    return { ok: 1 };
  },
  dropDatabase: (databases, db) => {
    databases.delete(db);
    return { ok: 1 };
  },
};
COMMANDS.isMaster = COMMANDS.hello;
COMMANDS.ismaster = COMMANDS.hello;

function projectOne(doc: Document, fields: Document): Document {
  const scratch = new Collection();
  scratch.insert(doc);
  return scratch.find({}, { projection: fields })[0];
}

/** Runs one command document; server errors become `{ ok: 0 }` replies. */
export function runCommand(databases: Databases, body: Document): Document {
  const name = Object.keys(body)[0];
  const handler = COMMANDS[name];
  if (!handler) return { ok: 0, errmsg: `no such command: '${name}'`, code: 59, codeName: 'CommandNotFound' };
  try {
    return handler(databases, body.$db ?? 'admin', body);
  } catch (error) {
    if (error instanceof MongoError) return { ok: 0, errmsg: error.message, code: error.code, codeName: error.codeName };
    return { ok: 0, errmsg: (error as Error).message, code: 1, codeName: 'InternalError' };
  }
}
