import type { ValueCodec } from '../codecs/codec.interface';
import type { JsonValue, StoredData } from '../contract/json-value';
import { CSRF_KEY, PERMANENT_KEY } from '../contract/session-keys';

/** Keys the machinery keeps in the data that `keys()` and `toJSON()` do not show. */
export function isHiddenKey(key: string): boolean {
  return key === PERMANENT_KEY || key === CSRF_KEY;
}

/** Where a session stands in its store or cookie: what was loaded, or last saved. */
export interface SessionOrigin {
  /** The server-side id; `null` for cookie sessions, which have none. */
  id: string | null;
  /** Not yet saved anywhere: the request carried no valid session, or it was regenerated. */
  isNew: boolean;
  createdAt: number;
  touchedAt: number;
}

/** The changes and the full encoded data, from one encoding pass. */
export interface SessionSnapshot {
  /** Every key as it stands now, encoded. */
  data: StoredData;
  /** Keys whose encoded value is new or changed since loading. */
  set: StoredData;
  /** Keys removed since loading. */
  unset: string[];
  /** The state's revision when the snapshot was taken: later changes are not in it. */
  revision: number;
  /** The identity it was taken under (a destroy or regenerate replaces it). */
  origin: SessionOrigin;
}

/** True when a snapshot holds anything to write. */
export function hasChanges(snapshot: SessionSnapshot): boolean {
  return snapshot.unset.length > 0 || Object.keys(snapshot.set).length > 0;
}

/**
 * The data of one session and what the request did to it: the machinery's side of the object
 * users hold. It keeps the data as loaded (encoded) and decodes a key only when it is read. At
 * save time each key that was read or written is encoded again and compared with what was
 * loaded: that finds nested mutations Flask misses, and yields the exact change-set a store
 * merges, so concurrent requests never erase each other's keys.
 */
export class SessionState {
  origin: SessionOrigin;
  private baseline: StoredData;
  private readonly values = new Map<string, unknown>();
  /** Keys given a value by `write` (not only read) since loading, with the revision of their last write. */
  private readonly written = new Map<string, number>();
  /** Counts writes and removals, so a save knows which changes came after its snapshot. */
  private revision = 0;
  private readonly removed = new Set<string>();
  /** A save was asked for with `modified = true`. */
  forceSave = false;
  /** The request read or wrote the session. */
  accessed = false;
  /** The session was destroyed during this request. */
  destroyed = false;
  /** A new id replaced the old one during this request. */
  regenerated = false;
  /** Flashes popped by this request: repeated reads within it agree. */
  flashes?: [string, string][];

  constructor(
    origin: SessionOrigin,
    data: StoredData,
    readonly codec: ValueCodec,
  ) {
    this.origin = origin;
    this.baseline = data;
  }

  read(key: string): unknown {
    if (this.values.has(key)) return this.values.get(key);
    if (this.removed.has(key) || !Object.hasOwn(this.baseline, key)) return undefined;
    const value = this.codec.decode(this.baseline[key]);
    this.values.set(key, value);
    return value;
  }

  has(key: string): boolean {
    return this.values.has(key) || (Object.hasOwn(this.baseline, key) && !this.removed.has(key));
  }

  write(key: string, value: unknown): void {
    this.values.set(key, value);
    this.written.set(key, ++this.revision);
    this.removed.delete(key);
  }

  remove(key: string): void {
    this.revision++;
    this.values.delete(key);
    this.written.delete(key);
    if (Object.hasOwn(this.baseline, key)) this.removed.add(key);
  }

  removeAll(): void {
    this.revision++;
    this.values.clear();
    this.written.clear();
    for (const key of Object.keys(this.baseline)) this.removed.add(key);
  }

  keys(): string[] {
    const keys = new Set(Object.keys(this.baseline).filter((key) => !this.removed.has(key)));
    for (const key of this.values.keys()) keys.add(key);
    return [...keys];
  }

  /** True when no key but the permanent flag is left. */
  isEmpty(): boolean {
    return this.keys().every((key) => key === PERMANENT_KEY);
  }

  get permanent(): boolean {
    return this.read(PERMANENT_KEY) === true;
  }

  /**
   * One encoding pass over the keys this request touched: the full data as it stands now, and
   * the keys written or removed since loading (nested mutations found by comparing encodings).
   * A key that was only read and holds no object cannot have changed, so it is not encoded again;
   * with nothing changed, the data is the baseline itself (nothing is copied).
   */
  snapshot(): SessionSnapshot {
    let set: StoredData | undefined;
    let encodedValues: StoredData | undefined;
    for (const [key, value] of this.values) {
      if (!this.written.has(key) && (value === null || typeof value !== 'object')) continue;
      const encoded = this.codec.encode(value);
      (encodedValues ??= {})[key] = encoded;
      if (!Object.hasOwn(this.baseline, key) || !sameEncoding(encoded, this.baseline[key])) (set ??= {})[key] = encoded;
    }
    const unset = this.removed.size === 0 ? [] : [...this.removed].filter((key) => Object.hasOwn(this.baseline, key));
    const { revision, origin } = this;
    if (!set && unset.length === 0) return { data: this.baseline, set: {}, unset, revision, origin };
    const data: StoredData = {};
    for (const key of Object.keys(this.baseline)) if (!this.removed.has(key)) data[key] = this.baseline[key];
    Object.assign(data, encodedValues);
    return { data, set: set ?? {}, unset, revision, origin };
  }

  /**
   * After a successful save: what was saved becomes the new baseline. Changes made while the save
   * was in flight (an event stream's next event, a socket's next message, a write after an
   * unawaited `save()`) are not in it and stay pending for the next save; a save that finishes
   * after a destroy or regenerate leaves the new identity alone.
   */
  markSaved(snapshot: SessionSnapshot, touchedAt: number): void {
    if (snapshot.origin !== this.origin) return;
    if (snapshot.revision === this.revision) {
      this.baseline = snapshot.data;
      this.values.clear();
      this.written.clear();
      this.removed.clear();
    } else {
      const present = new Set(this.keys());
      this.baseline = snapshot.data;
      for (const [key, revision] of this.written) if (revision <= snapshot.revision) this.written.delete(key);
      this.removed.clear();
      for (const key of Object.keys(snapshot.data)) if (!present.has(key)) this.removed.add(key);
    }
    this.forceSave = false;
    this.regenerated = false;
    this.origin = { ...this.origin, isNew: false, touchedAt };
  }

  /** Starts over as a new session with `data` (after destroy, or when the store lost it). */
  reset(id: string | null, now: number, data: StoredData): void {
    this.origin = { id, isNew: true, createdAt: now, touchedAt: now };
    this.baseline = data;
    this.values.clear();
    this.written.clear();
    this.removed.clear();
    this.forceSave = false;
    this.flashes = undefined;
  }

  /** Keeps the data under a new id (regenerate); the next save creates the record. */
  renew(id: string | null, now: number): void {
    // A token captured before the new identity (before login) must be worthless after it.
    const data = Object.fromEntries(Object.entries(this.snapshot().data).filter(([key]) => key !== CSRF_KEY));
    this.origin = { id, isNew: true, createdAt: now, touchedAt: now };
    this.baseline = data;
    this.values.clear();
    this.written.clear();
    this.removed.clear();
    this.regenerated = true;
  }
}

/** Equal as stored: primitives compare directly, anything else by its JSON text. */
function sameEncoding(a: JsonValue, b: JsonValue): boolean {
  if (a === null || typeof a !== 'object' || b === null || typeof b !== 'object') return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}
