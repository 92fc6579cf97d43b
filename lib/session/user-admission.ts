/**
 * What a write that gives a session its user passes through: the per-user limit of
 * `maxSessionsPerUser` (lib/limits). Declared in the session core and handed to
 * `ServerSessionInterface` by whoever builds it (`session.providers.ts`), because the limit is
 * built on that interface (it lists the user's sessions through it): the session core never
 * imports the features that stand on it.
 */
export interface UserAdmission {
  /** Runs `write` once the user may hold session `id`; fails without writing when not. */
  admit<T>(userId: string, id: string, write: () => Promise<T>): Promise<T>;
}
