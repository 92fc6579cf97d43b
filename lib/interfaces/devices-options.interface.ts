/**
 * What each server-side session of a logged-in user records for
 * `SessionService.listDevices()` (needs the `userKey` option). The creation time and the
 * last-seen time are always kept, since every store already keeps them; the user agent and the
 * client address are personal data and are recorded only when turned on.
 */
export interface SessionDevicesOptions {
  /**
   * Renew a logged-in session's last-seen time (its store record's `touchedAt`, the same write as
   * an idle-timeout refresh) at most this often, in milliseconds. A request that changes the
   * session updates it anyway; a request that only reads it writes nothing until this much time
   * has passed. Renewing also extends the record's lifetime, like any touch: use
   * `absoluteTimeout` for a hard cap. `0` turns the extra renewals off (last seen is then the
   * last save or refresh).
   * @default 300000 (5 minutes)
   */
  lastSeenInterval?: number;
  /** Record the `User-Agent` header at login, cut to `maxLength` characters. @default false */
  userAgent?: boolean;
  /**
   * Record the client address at login (`request.ip`, which honours the platform's trusted-proxy
   * setting), cut to 64 characters.
   * @default false
   */
  address?: boolean;
  /** Longest user agent kept, in characters. @default 256 */
  maxLength?: number;
}

/** One session of a user, as `SessionService.listDevices()` shows it. Holds no session id. */
export interface SessionDevice {
  /**
   * An opaque handle for `SessionService.revokeDevice()`: an HMAC of the session id under a key
   * derived from the secret. It cannot be turned back into the id, and it changes when the
   * session is regenerated or the first secret rotates.
   */
  handle: string;
  /** True for the session of the request that asked. */
  current: boolean;
  /** When the session was created (at login, since login regenerates it). */
  createdAt: Date;
  /** When the session was last saved or renewed (see `lastSeenInterval`). */
  lastSeenAt: Date;
  /** The `User-Agent` at login, when `devices.userAgent` is on. Client-supplied: display only. */
  userAgent?: string;
  /** The client address at login, when `devices.address` is on. Client-supplied: display only. */
  address?: string;
}

/** The `devices` option with every default applied; `null` when turned off. */
export interface ResolvedDevicesOptions {
  lastSeenInterval: number;
  userAgent: boolean;
  address: boolean;
  maxLength: number;
}
