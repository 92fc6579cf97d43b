import { DEVICE_KEY, FLASHES_KEY, PERMANENT_KEY } from '../contract/session-keys';
import { SessionDataError } from '../errors';
import type { FlashedMessagesOptions, Session } from '../interfaces/session.interface';
import { hasChanges, isHiddenKey, type SessionState } from './session-state';

/** What the session object asks of its request: the operations that reach the store, and its CSRF tokens. */
export interface SessionLifecycle {
  regenerate(): Promise<void>;
  destroy(): Promise<void>;
  save(): Promise<void>;
  /** A fresh CSRF token for this session (creating its secret on first use). */
  csrfToken(): string;
  /** express-session's `regenerate()`: a new empty session under a new id. */
  startOver(): Promise<void>;
}

// Module-private keys: users see only the documented API (own enumerable properties are none).
const STATE = Symbol('nest-session.state');
const LIFECYCLE = Symbol('nest-session.lifecycle');

/**
 * The session handed to application code: Flask's dict API over a {@link SessionState}. It holds
 * no logic of its own beyond argument checks; `regenerate`, `destroy` and `save` go down to the
 * request's lifecycle, which goes down to the session interface. Nothing calls back into it.
 */
export class SessionObject implements Session {
  private readonly [STATE]: SessionState;
  private readonly [LIFECYCLE]: SessionLifecycle;

  constructor(state: SessionState, lifecycle: SessionLifecycle) {
    this[STATE] = state;
    this[LIFECYCLE] = lifecycle;
  }

  get id(): string | null {
    return this[STATE].origin.id;
  }
  get isNew(): boolean {
    return this[STATE].origin.isNew;
  }
  get accessed(): boolean {
    return this[STATE].accessed;
  }
  get modified(): boolean {
    const state = this[STATE];
    return state.forceSave || hasChanges(state.snapshot());
  }
  set modified(value: boolean) {
    this[STATE].forceSave = value;
  }
  get permanent(): boolean {
    return this[STATE].permanent;
  }
  set permanent(value: boolean) {
    if (value) this.set(PERMANENT_KEY, true);
    else this.delete(PERMANENT_KEY);
  }

  get(key: string, fallback?: unknown): any {
    const state = this[STATE];
    state.accessed = true;
    return state.has(key) ? state.read(key) : fallback;
  }

  set(key: string, value: unknown): this {
    if (typeof key !== 'string') throw new SessionDataError('session keys must be strings');
    if (value === undefined) throw new SessionDataError(`cannot set ${JSON.stringify(key)} to undefined; use delete()`);
    const state = this[STATE];
    // Encoded now, so a value (or key) the codec refuses fails here, naming the key, and not at save time.
    state.codec.encode({ [key]: value });
    state.accessed = true;
    state.write(key, value);
    return this;
  }

  has(key: string): boolean {
    const state = this[STATE];
    state.accessed = true;
    return state.has(key);
  }

  delete(key: string): boolean {
    const existed = this.has(key);
    this[STATE].remove(key);
    return existed;
  }

  pop(key: string, fallback?: unknown): any {
    const value = this.get(key, fallback);
    this.delete(key);
    return value;
  }

  clear(): void {
    const state = this[STATE];
    state.accessed = true;
    state.removeAll();
  }

  keys(): string[] {
    const state = this[STATE];
    state.accessed = true;
    // The device details are kept beside the data too (lib/devices), hidden like the reserved keys.
    return state.keys().filter((key) => !isHiddenKey(key) && key !== DEVICE_KEY);
  }

  toJSON(): Record<string, any> {
    const out: Record<string, unknown> = {};
    for (const key of this.keys()) out[key] = this[STATE].read(key);
    return out;
  }

  regenerate(): Promise<void> {
    return this[LIFECYCLE].regenerate();
  }

  destroy(): Promise<void> {
    return this[LIFECYCLE].destroy();
  }

  save(): Promise<void> {
    return this[LIFECYCLE].save();
  }

  csrfToken(): string {
    return this[LIFECYCLE].csrfToken();
  }

  flash(message: string, category = 'message'): void {
    const queue = (this.get(FLASHES_KEY) as [string, string][] | undefined) ?? [];
    queue.push([category, message]);
    this.set(FLASHES_KEY, queue);
  }

  getFlashedMessages(options?: FlashedMessagesOptions & { withCategories?: false }): string[];
  getFlashedMessages(options: FlashedMessagesOptions & { withCategories: true }): [string, string][];
  getFlashedMessages(options: FlashedMessagesOptions = {}): string[] | [string, string][] {
    const state = this[STATE];
    if (!state.flashes) {
      const queued = this.has(FLASHES_KEY) ? this.pop(FLASHES_KEY) : [];
      state.flashes = Array.isArray(queued) ? queued.map((entry) => [String(entry[0]), String(entry[1])] as [string, string]) : [];
    }
    const filter = options.categoryFilter ?? [];
    const flashes = filter.length ? state.flashes.filter(([category]) => filter.includes(category)) : state.flashes;
    return options.withCategories ? flashes.map(([c, m]) => [c, m] as [string, string]) : flashes.map(([, m]) => m);
  }
}

/**
 * express-session's `regenerate()` for the `req.session` view (Passport's login): a new, empty
 * session under a new id, reported as a regeneration. Not part of the `Session` API.
 */
export function startOver(session: Session): Promise<void> {
  const lifecycle = (session as unknown as Record<symbol, SessionLifecycle | undefined>)[LIFECYCLE];
  return lifecycle ? lifecycle.startOver() : session.destroy();
}
