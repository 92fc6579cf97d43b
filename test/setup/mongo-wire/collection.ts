import { aggregate, find, update } from 'mingo';
import { BSON, type Document } from 'mongodb';

/**
 * One collection of the test server: documents kept as BSON bytes (so what comes back is what a
 * real server would hand back, types included), query and update semantics from mingo, and the
 * server-side checks a real mongod makes that matter to session stores: `_id` uniqueness, update
 * paths (empty or `$`-prefixed field names, conflicting paths), the 16 MiB document cap, TTL
 * indexes. Each command runs to completion before the next one starts (one JS thread), which is
 * what mongod guarantees for a single-document write.
 */
export class MongoError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
  ) {
    super(message);
  }
}

export interface IndexSpec {
  key: Record<string, number>;
  name: string;
  expireAfterSeconds?: number;
  sparse?: boolean;
  unique?: boolean;
  partialFilterExpression?: Document;
}

const MAX_BSON = 16 * 1024 * 1024;

export class Collection {
  private readonly docs = new Map<string, Buffer>();
  readonly indexes: IndexSpec[] = [{ key: { _id: 1 }, name: '_id_' }];

  all(): Document[] {
    return [...this.docs.values()].map((bytes) => BSON.deserialize(bytes));
  }

  find(filter: Document = {}, options: { projection?: Document; sort?: Document; skip?: number; limit?: number } = {}): Document[] {
    let cursor = find(this.all(), filter, options.projection && Object.keys(options.projection).length > 0 ? options.projection : undefined);
    if (options.sort && Object.keys(options.sort).length > 0) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(Math.abs(options.limit));
    return cursor.all();
  }

  aggregate(pipeline: Document[]): Document[] {
    return aggregate(this.all(), pipeline);
  }

  /** Inserts a document (with a new ObjectId when it has no `_id`) and returns it as stored. */
  insert(doc: Document): Document {
    if (doc._id === undefined) doc = { _id: new BSON.ObjectId(), ...doc };
    const key = keyOf(doc._id);
    if (this.docs.has(key)) throw duplicate(doc._id);
    const bytes = encode(doc);
    this.docs.set(key, bytes);
    return BSON.deserialize(bytes);
  }

  /** Updates the first match (or every match with `multi`), or inserts on `upsert`. */
  update(
    filter: Document,
    change: Document,
    options: { multi?: boolean; upsert?: boolean; sort?: Document } = {},
  ): { matched: number; modified: number; upserted?: unknown; before?: Document; after?: Document } {
    const matches = this.find(filter, { sort: options.sort, limit: options.multi ? 0 : 1 });
    if (matches.length === 0) {
      if (!options.upsert) return { matched: 0, modified: 0 };
      const after = this.insert(applyChange(seedOf(filter), change, true));
      return { matched: 0, modified: 0, upserted: after._id, after };
    }
    let modified = 0;
    let before: Document | undefined;
    let after: Document | undefined;
    for (const doc of matches) {
      before ??= BSON.deserialize(encode(doc));
      const next = applyChange(doc, change, false);
      if (keyOf(next._id) !== keyOf(doc._id)) throw new MongoError(66, 'ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
      const bytes = encode(next);
      if (!bytes.equals(this.docs.get(keyOf(doc._id))!)) modified += 1;
      this.docs.set(keyOf(doc._id), bytes);
      after ??= BSON.deserialize(bytes);
    }
    return { matched: matches.length, modified, before, after };
  }

  delete(filter: Document, limit: number, sort?: Document): Document[] {
    const victims = this.find(filter, { sort, limit });
    for (const doc of victims) this.docs.delete(keyOf(doc._id));
    return victims;
  }

  createIndex(spec: IndexSpec): boolean {
    const same = this.indexes.find((index) => index.name === spec.name || JSON.stringify(index.key) === JSON.stringify(spec.key));
    if (!same) {
      this.indexes.push(spec);
      return true;
    }
    if (same.name !== spec.name || same.expireAfterSeconds !== spec.expireAfterSeconds || !!same.sparse !== !!spec.sparse || !!same.unique !== !!spec.unique) {
      throw new MongoError(85, 'IndexOptionsConflict', `An equivalent index already exists with a different name or options: ${same.name}`);
    }
    return false;
  }

  /** One pass of the TTL monitor: mongod runs one every 60 seconds. */
  expire(now = Date.now()): number {
    let removed = 0;
    for (const index of this.indexes) {
      const fields = Object.keys(index.key);
      if (index.expireAfterSeconds === undefined || fields.length !== 1) continue;
      for (const doc of this.all()) {
        const value = doc[fields[0]];
        if (value instanceof Date && value.getTime() + index.expireAfterSeconds * 1000 <= now) {
          this.docs.delete(keyOf(doc._id));
          removed += 1;
        }
      }
    }
    return removed;
  }
}

function keyOf(id: unknown): string {
  return Buffer.from(BSON.serialize({ id })).toString('hex');
}

function encode(doc: Document): Buffer {
  const bytes = Buffer.from(BSON.serialize(doc));
  if (bytes.length > MAX_BSON) throw new MongoError(17419, 'BSONObjectTooLarge', `Resulting document after update is larger than ${MAX_BSON}`);
  return bytes;
}

function duplicate(id: unknown): MongoError {
  return new MongoError(11000, 'DuplicateKey', `E11000 duplicate key error collection: index: _id_ dup key: { _id: ${JSON.stringify(id)} }`);
}

/** An upsert starts from the equality conditions of its filter, as mongod does. */
function seedOf(filter: Document): Document {
  const seed: Document = {};
  for (const [field, condition] of Object.entries(filter)) {
    if (field.startsWith('$')) continue;
    const isOperator = condition !== null && typeof condition === 'object' && !(condition instanceof Date) && Object.keys(condition).some((key) => key.startsWith('$'));
    if (isOperator) continue;
    if (field.includes('.')) update(seed, { $set: { [field]: condition } });
    else seed[field] = condition;
  }
  return seed;
}

/** A replacement document, or update operators checked like mongod checks them, then applied by mingo. */
function applyChange(doc: Document, change: Document, inserting: boolean): Document {
  if (Array.isArray(change)) throw new MongoError(9, 'FailedToParse', 'pipeline updates are not supported by this test server');
  const operators = Object.keys(change);
  if (!operators.some((key) => key.startsWith('$'))) return { _id: doc._id, ...change };
  const next = BSON.deserialize(encode(doc));
  const { $setOnInsert, ...rest } = change;
  const modifier = inserting && $setOnInsert ? { ...rest, $set: { ...($setOnInsert as Document), ...(rest.$set as Document) } } : rest;
  for (const paths of Object.values(modifier)) for (const path of Object.keys(paths as Document)) checkPath(path);
  try {
    update(next, modifier);
  } catch (error) {
    throw new MongoError(40, 'ConflictingUpdateOperators', (error as Error).message);
  }
  return next;
}

function checkPath(path: string): void {
  const parts = path.split('.');
  if (parts.some((part) => part === '')) throw new MongoError(56, 'EmptyFieldName', `The update path '${path}' contains an empty field name, which is not allowed.`);
  const dollar = parts.find((part) => part.startsWith('$') && part !== '$' && part !== '$[]' && !/^\$\[\w*\]$/.test(part));
  if (dollar) throw new MongoError(52, 'DollarPrefixedFieldName', `The dollar ($) prefixed field '${dollar}' in '${path}' is not valid for storage.`);
}
