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
    return this.measure().then((offset) => started + offset + timeout);
  }

  /** Measures the offset (once; a failed measurement is tried again on the next call). */
  measure(): Promise<number> {
    this.measuring ??= (async () => {
      const before = Date.now();
      const [seconds, micros] = (await this.client().time()) as [string | number, string | number];
      const offset = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - Math.round((before + Date.now()) / 2);
      this.known = offset;
      return offset;
    })();
    return this.measuring.catch((error: unknown) => {
      this.measuring = undefined;
      throw error;
    });
  }
}
