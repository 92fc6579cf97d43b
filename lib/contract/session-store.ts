/**
 * The store contract. Small and promise-based on purpose: one read, one atomic write that carries
 * only what changed, a touch that renews expiry without rewriting data, and a destroy.
 *
 * Why a change-set instead of "write the whole session": two requests of one user that overlap
 * (two tabs, a double click, parallel XHRs) each load the session, change different keys and save.
 * A whole-session write lets the slower one erase the faster one's change. A change-set that the
 * store merges atomically keeps both.
 */
import type { StoredData } from './json-value';

export type { JsonValue, StoredData } from './json-value';

/** What a store returns for a live session. */
export interface SessionRecord {
  /** Top-level keys and their encoded values. */
  data: StoredData;
  /** When the session was created, epoch milliseconds (absolute timeout). */
  createdAt: number;
  /** When the session was last saved or touched, epoch milliseconds (idle timeout). */
  touchedAt: number;
}

/** One save: the keys a request set or removed, applied atomically by the store. */
export interface SessionWrite {
  /**
   * True when `id` is a fresh id the server just generated: the store creates the record.
   * False for an existing session: the store patches the record only if it still exists, so a
   * save that arrives after a destroy, a regenerate or an expiry never brings the session back.
   */
  create: boolean;
  /** Keys whose value is new or changed, with their encoded values (full values, not deltas). */
  set: StoredData;
  /** Keys that were removed. */
  unset: string[];
  /** Creation time of the session, epoch milliseconds; stores keep the first one they see. */
  createdAt: number;
  /** Time of this save, epoch milliseconds; becomes the record's `touchedAt`. */
  touchedAt: number;
  /** Time to live in milliseconds from now (the `lifetime` option). */
  ttl: number;
  /**
   * The owner of the session for the user index ("log out everywhere"), when the `userKey`
   * option is set: a string indexes the session under that user, `null` removes it from the
   * index, `undefined` leaves the index as it is.
   */
  userId?: string | null;
}

/**
 * What a save did:
 * - `saved`: the record exists and holds the merged data;
 * - `deleted`: after the merge no key was left, so the record was removed (the emptied-session rule);
 * - `missing`: the record no longer exists (destroyed, regenerated or expired meanwhile) and
 *   nothing was written.
 */
export type SaveOutcome = 'saved' | 'deleted' | 'missing';

/** What the module tells a store once, at application bootstrap, through {@link SessionStore.start}. */
export interface StoreSettings {
  /**
   * Milliseconds one store call may take (the module's `storeTimeout`). A store bounds each call
   * by it on its own side, so that a call that fails or times out has written nothing; the module
   * also races each call against this time plus 500 ms, as an outer bound.
   */
  timeout: number;
}

/**
 * Injection token and base class of every store. App code can inject the configured store with
 * `constructor(private readonly store: SessionStore)`.
 *
 * Implementations must keep these rules (the contract suite of `nest-session/testing` checks them):
 * - `get` returns `null` for a missing or expired record, and never creates one;
 * - `save` with `create: false` never recreates a missing record;
 * - `save` applies `set` and `unset` atomically against concurrent saves of the same id;
 * - a record left with no key is deleted;
 * - `touch` renews the expiry and `touchedAt` without rewriting data, and never recreates;
 * - ids reach the store already validated (43 base64url characters, signed by the server);
 * - a call that fails or runs past the timeout of {@link SessionStore.start} has written nothing
 *   (each store's documentation says how far its backend lets it keep that promise).
 */
export abstract class SessionStore {
  /**
   * Called once by the module at application bootstrap, before any other call, with the
   * module's `storeTimeout`. Stores check here what can be checked early (a TypeORM store checks
   * its table, so a missing migration stops the app at startup) and keep the timeout to bound
   * every later call. Without it, stores use a timeout of 2000 ms.
   */
  start?(settings: StoreSettings): Promise<void>;

  /** Reads a session; `null` when it does not exist or has expired. */
  abstract get(id: string): Promise<SessionRecord | null>;

  /** Applies one change-set atomically; see {@link SaveOutcome}. */
  abstract save(id: string, write: SessionWrite): Promise<SaveOutcome>;

  /** Renews expiry and `touchedAt` without rewriting data; `false` when the record is gone. */
  abstract touch(id: string, touchedAt: number, ttl: number): Promise<boolean>;

  /** Deletes a session; deleting a missing one is not an error. */
  abstract destroy(id: string): Promise<void>;

  /**
   * Ids of the live sessions of one user (needs the `userKey` option). Stores without a user
   * index leave this undefined, and the module refuses `userKey` with them at startup.
   */
  findByUser?(userId: string): Promise<string[]>;

  /**
   * Takes a lock on one user, shared by every app process on this store, for the
   * `maxSessionsPerUser` check at login: resolves once held, with the function that releases it,
   * and fails within the store timeout when it cannot be had. Stores that cannot lock across
   * processes leave this undefined, and the module refuses `maxSessionsPerUser` with them.
   */
  lockUser?(userId: string): Promise<() => Promise<void>>;

  /**
   * Closes connections the store opened itself. Called on application shutdown. A store must
   * never close a client that the user passed in.
   */
  close?(): Promise<void>;
}
