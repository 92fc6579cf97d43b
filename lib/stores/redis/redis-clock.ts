import { SessionStoreTimeoutError } from '../../errors/session-store-timeout.error';
import type { RedisClientLike } from './redis-client.types';

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
   * and never answers must neither hang the application's startup nor every later write.
   */
  measure(timeout: number): Promise<number> {
    this.measuring ??= new Promise<number>((resolve, reject) => {
      const before = Date.now();
      const timer = setTimeout(() => reject(new SessionStoreTimeoutError('RedisSessionStore', timeout)), timeout);
      timer.unref?.();
      const settle =
        <T>(then: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          then(value);
        };
      Promise.resolve()
        .then(() => this.client().time())
        .then(
          settle((reply: unknown) => {
            const [seconds, micros] = reply as [string | number, string | number];
            const offset = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - Math.round((before + Date.now()) / 2);
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
