import { SessionStoreTimeoutError } from '../../errors/session-store-timeout.error';
import type { RedisClientLike } from './redis-client.types';

/**
 * The slowest `TIME` round trip whose offset is kept, in ms: its error (at most half of it) stays
 * well inside the 500 ms by which the module's outer bound outlasts a script's deadline.
 */
const MAX_SAMPLE_ROUND_TRIP = 400;

/**
 * Redis's clock as seen from this process. Scripts that write a session refuse to run after a
 * deadline, and Redis can only compare a deadline with its own clock (`TIME`), so deadlines are
 * moved into it by an offset measured once: one `TIME` round trip at startup, or on the first
 * write when Redis was down then. Once known, a deadline costs no await.
 */
export class RedisClock {
  /** Redis's clock minus ours, in ms, once measured. */
  private known?: number;
  private measuring?: Promise<number>;

  constructor(private readonly client: () => RedisClientLike) {}

  /** Now plus `timeout` ms, in Redis's clock (epoch ms). */
  deadline(timeout: number): number | Promise<number> {
    const started = Date.now();
    if (this.known !== undefined) return started + this.known + timeout;
    return this.measure(timeout).then((offset) => started + offset + timeout);
  }

  /**
   * Measures the offset (once; a failed measurement is tried again on the next call). Bounded by
   * `timeout`: the store's client sets no per-command timer, and a server that takes the `TIME`
   * and never answers must neither hang the application's startup nor every later write. A reply
   * that comes after the timeout, or after more than {@link MAX_SAMPLE_ROUND_TRIP} ms, is thrown
   * away: the offset is only known to within half the round trip, and an offset that is late by
   * more than the module's 500 ms outer bound would let a write land after its caller got a 503.
   */
  measure(timeout: number): Promise<number> {
    this.measuring ??= new Promise<number>((resolve, reject) => {
      const before = Date.now();
      let settled = false;
      const settle =
        <T>(then: (value: T) => void) =>
        (value: T) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          then(value);
        };
      const timeUp = settle(() => reject(new SessionStoreTimeoutError('RedisSessionStore', timeout)));
      const timer = setTimeout(timeUp, timeout);
      timer.unref?.();
      Promise.resolve()
        .then(() => this.client().time())
        .then(
          settle((reply: unknown) => {
            const after = Date.now();
            if (after - before > MAX_SAMPLE_ROUND_TRIP) {
              reject(new SessionStoreTimeoutError('RedisSessionStore', MAX_SAMPLE_ROUND_TRIP));
              return;
            }
            const [seconds, micros] = reply as [string | number, string | number];
            const offset = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - Math.round((before + after) / 2);
            this.known = offset;
            resolve(offset);
          }),
          settle(reject),
        );
    });
    return this.measuring.catch((error: unknown) => {
      this.measuring = undefined;
      throw error;
    });
  }
}
