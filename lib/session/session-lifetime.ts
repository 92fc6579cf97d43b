import type { ResolvedSessionOptions } from '../utils/resolve-options';

/** Clock skew tolerated between servers that issue and check session timestamps. */
const CLOCK_SKEW = 30_000;

type Timeouts = Pick<ResolvedSessionOptions, 'lifetime' | 'idleTimeout' | 'absoluteTimeout'>;

/**
 * The expiry rules of every session kind, enforced on the server whatever the cookie says:
 * the lifetime and idle timeout count from the last save or touch, the absolute timeout from
 * creation.
 */
export class SessionLifetime {
  /** How often a store record's expiry is renewed (a tenth of the shortest timeout, at most a minute). */
  readonly touchInterval: number;

  constructor(private readonly options: Timeouts) {
    const timeouts = [options.lifetime, options.idleTimeout].filter((t) => t > 0);
    this.touchInterval = Math.min(60_000, ...timeouts.map((t) => t / 10));
  }

  /** True while a session created and last touched at these times may still be used. */
  alive(createdAt: number, touchedAt: number, now: number): boolean {
    const { lifetime, idleTimeout, absoluteTimeout } = this.options;
    if (touchedAt > now + CLOCK_SKEW || now - touchedAt > lifetime) return false;
    if (idleTimeout && now - touchedAt > idleTimeout) return false;
    if (absoluteTimeout && now - createdAt > absoluteTimeout) return false;
    return true;
  }

  /** With an idle timeout, an active session is renewed before a quarter of it has passed. */
  idleRefreshDue(touchedAt: number, now: number): boolean {
    return this.options.idleTimeout > 0 && now - touchedAt >= this.options.idleTimeout / 4;
  }
}
