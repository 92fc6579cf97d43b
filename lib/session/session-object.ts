import type { ValueCodec } from '../codecs/codec.interface';
import { assertSafeKey } from '../codecs/tagged-json.codec';
import { SessionDataError } from '../errors/session.errors';
import type { FlashedMessagesOptions, Session, SessionKey } from '../interfaces/session.interface';
import type { StoredData } from '../stores/session-store';

/** Flask's keys: the permanent flag and the flash queue live in the data, as Flask keeps them. */
export const PERMANENT_KEY = '_permanent';
export const FLASHES_KEY = '_flashes';

/** What the session asks of the request it belongs to. */
export interface SessionController {
  regenerate(session: SessionObject): Promise<void>;
  destroy(session: SessionObject): Promise<void>;
  save(): Promise<void>;
}

/** How a session was found at the start of the request. */
export interface SessionOrigin {
  id: string | null;
  isNew: boolean;
  data: StoredData;
  createdAt: number;
  touchedAt: number;
}

/** Keys set and removed since the session was loaded or last saved. */
export interface SessionChanges {
  set: StoredData;
  unset: string[];
}

/** The changes and the full encoded data, from one encoding pass. */
export interface SessionSnapshot extends SessionChanges {
  data: StoredData;
}

/** True when a change-set holds anything to write. */
export function hasChanges(changes: SessionChanges): boolean {
  return changes.unset.length > 0 || Object.keys(changes.set).length > 0;
}

/**
 * The session object handed to application code. It keeps the data as loaded (encoded) and
 * decodes a key only when it is read. At save time, each key that was read or written is encoded
 * again and compared with what was loaded: that finds nested mutations Flask misses, and yields
 * the exact change-set a store merges, so concurrent requests never erase each other's keys.
 */
export class SessionObject implements Session<Record<string, any>> {
  private baseline: StoredData;
  private readonly values = new Map<string, unknown>();
  private readonly removed = new Set<string>();
  private forceSave = false;
  private flashes?: [string, string][];
  private accessedFlag = false;
  /** The session was destroyed during this request. */
  destroyed = false;
  /** A new id replaced the old one during this request (regenerate). */
  regenerated = false;

  constructor(
    private origin: SessionOrigin,
    private readonly codec: ValueCodec,
    private readonly controller: SessionController,
  ) {
    this.baseline = origin.data;
  }

  get id(): string | null {
    return this.origin.id;
  }
  get isNew(): boolean {
    return this.origin.isNew;
  }
  get createdAt(): number {
    return this.origin.createdAt;
  }
  get touchedAt(): number {
    return this.origin.touchedAt;
  }
  get accessed(): boolean {
    return this.accessedFlag;
  }
  get modified(): boolean {
    return this.forceSave || hasChanges(this.snapshot());
  }
  set modified(value: boolean) {
    this.forceSave = value;
  }
  /** True when a save was forced with `modified = true`. */
  get saveForced(): boolean {
    return this.forceSave;
  }

  get permanent(): boolean {
    return this.read(PERMANENT_KEY) === true;
  }
  set permanent(value: boolean) {
    if (value) this.set(PERMANENT_KEY, true);
    else this.delete(PERMANENT_KEY);
  }

  get(key: string, fallback?: unknown): any {
    this.accessedFlag = true;
    return this.has(key) ? this.read(key) : fallback;
  }

  set(key: string, value: unknown): this {
    if (typeof key !== 'string') throw new SessionDataError('session keys must be strings');
    assertSafeKey(key);
    if (value === undefined) throw new SessionDataError(`cannot set ${JSON.stringify(key)} to undefined; use delete()`);
    this.accessedFlag = true;
    this.values.set(key, value);
    this.removed.delete(key);
    return this;
  }

  has(key: string): boolean {
    this.accessedFlag = true;
    return this.values.has(key) || (Object.hasOwn(this.baseline, key) && !this.removed.has(key));
  }

  delete(key: string): boolean {
    const existed = this.has(key);
    this.values.delete(key);
    if (Object.hasOwn(this.baseline, key)) this.removed.add(key);
    return existed;
  }

  pop(key: string, fallback?: unknown): any {
    const value = this.get(key, fallback);
    this.delete(key);
    return value;
  }

  clear(): void {
    this.accessedFlag = true;
    this.values.clear();
    for (const key of Object.keys(this.baseline)) this.removed.add(key);
  }

  keys(): string[] {
    this.accessedFlag = true;
    return this.allKeys().filter((key) => key !== PERMANENT_KEY);
  }

  toJSON(): Record<string, any> {
    const out: Record<string, unknown> = {};
    for (const key of this.keys()) out[key] = this.read(key);
    return out;
  }

  regenerate(): Promise<void> {
    return this.controller.regenerate(this);
  }

  destroy(): Promise<void> {
    return this.controller.destroy(this);
  }

  save(): Promise<void> {
    return this.controller.save();
  }

  flash(message: string, category = 'message'): void {
    const queue = (this.get(FLASHES_KEY) as [string, string][] | undefined) ?? [];
    queue.push([category, message]);
    this.set(FLASHES_KEY, queue);
  }

  getFlashedMessages(options?: FlashedMessagesOptions & { withCategories?: false }): string[];
  getFlashedMessages(options: FlashedMessagesOptions & { withCategories: true }): [string, string][];
  getFlashedMessages(options: FlashedMessagesOptions = {}): string[] | [string, string][] {
    if (!this.flashes) {
      const queued = this.has(FLASHES_KEY) ? this.pop(FLASHES_KEY) : [];
      this.flashes = Array.isArray(queued) ? queued.map((entry) => [String(entry[0]), String(entry[1])] as [string, string]) : [];
    }
    const filter = options.categoryFilter ?? [];
    const flashes = filter.length ? this.flashes.filter(([category]) => filter.includes(category)) : this.flashes;
    return options.withCategories ? flashes.map(([c, m]) => [c, m] as [string, string]) : flashes.map(([, m]) => m);
  }

  /** True when no key but the permanent flag is left. */
  isEmpty(): boolean {
    return this.allKeys().every((key) => key === PERMANENT_KEY);
  }

  /**
   * One encoding pass over the keys this request touched: the full data as it stands now, and
   * the keys written or removed since loading (nested mutations found by comparing encodings).
   */
  snapshot(): SessionSnapshot {
    const data: StoredData = {};
    for (const key of Object.keys(this.baseline)) if (!this.removed.has(key)) data[key] = this.baseline[key];
    const set: StoredData = {};
    for (const [key, value] of this.values) {
      const encoded = this.codec.encode(value);
      data[key] = encoded;
      if (!Object.hasOwn(this.baseline, key) || JSON.stringify(encoded) !== JSON.stringify(this.baseline[key])) set[key] = encoded;
    }
    const unset = [...this.removed].filter((key) => Object.hasOwn(this.baseline, key));
    return { data, set, unset };
  }

  /** Keys written or removed since loading. */
  changes(): SessionChanges {
    const { set, unset } = this.snapshot();
    return { set, unset };
  }

  /** Every key and encoded value as they stand now (for creating a record or a cookie). */
  encodeAll(): StoredData {
    return this.snapshot().data;
  }

  /** After a successful save: what was saved becomes the new baseline. */
  markSaved(data: StoredData, touchedAt: number): void {
    this.baseline = data;
    this.removed.clear();
    this.values.clear();
    this.forceSave = false;
    this.regenerated = false;
    this.origin = { ...this.origin, isNew: false, data, touchedAt };
  }

  /** Starts over as a new, empty session under a new id (after destroy, or when the store lost it). */
  reset(id: string | null, now: number, defaults: StoredData): void {
    this.origin = { id, isNew: true, data: defaults, createdAt: now, touchedAt: now };
    this.baseline = defaults;
    this.values.clear();
    this.removed.clear();
    this.forceSave = false;
    this.flashes = undefined;
  }

  /** Keeps the data under a new id (regenerate); the next save creates the record. */
  renew(id: string | null, now: number): void {
    const data = this.encodeAll();
    this.origin = { id, isNew: true, data, createdAt: now, touchedAt: now };
    this.baseline = data;
    this.values.clear();
    this.removed.clear();
    this.regenerated = true;
  }

  private read(key: string): unknown {
    if (this.values.has(key)) return this.values.get(key);
    if (this.removed.has(key) || !Object.hasOwn(this.baseline, key)) return undefined;
    const value = this.codec.decode(this.baseline[key]);
    this.values.set(key, value);
    return value;
  }

  private allKeys(): string[] {
    const keys = new Set(Object.keys(this.baseline).filter((key) => !this.removed.has(key)));
    for (const key of this.values.keys()) keys.add(key);
    return [...keys];
  }
}
