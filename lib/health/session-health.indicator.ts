import { Injectable } from '@nestjs/common';
import { SessionStoreNoAnswerError } from '../errors';
import { ServerSessionInterface } from '../session/server-session.interface';
import { SessionInterface } from '../session/session-interface';
import { generateSessionId } from '../utils/crypto';

/** What {@link SessionHealthIndicator.isHealthy} reports: `@nestjs/terminus`'s `HealthIndicatorResult` shape. */
export type SessionHealthResult = Record<string, { status: 'up' | 'down'; store: string; [detail: string]: unknown }>;

/**
 * A health check of the session store for `@nestjs/terminus`, which it does not import: it
 * returns terminus's result shape, so `HealthCheckService.check([() => indicator.isHealthy()])`
 * reports it and answers 503 when it is down, and apps without terminus load nothing of it.
 * Provided and exported by `SessionModule`.
 *
 * One cheap round trip: a read of a random id that cannot exist, bounded by `storeTimeout`.
 * The cookie store keeps nothing on the server and is always up.
 */
@Injectable()
export class SessionHealthIndicator {
  constructor(private readonly sessions: SessionInterface) {}

  async isHealthy(key = 'session_store'): Promise<SessionHealthResult> {
    const sessions = this.sessions;
    if (!(sessions instanceof ServerSessionInterface)) return { [key]: { status: 'up', store: 'cookie' } };
    const store = sessions.store.constructor.name;
    const timeout = sessions.options.storeTimeout;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SessionStoreNoAnswerError(timeout)), timeout);
      });
      await Promise.race([sessions.calls.run('ping', () => sessions.store.get(generateSessionId())), expired]);
      return { [key]: { status: 'up', store, latencyMs: Math.round(performance.now() - started) } };
    } catch {
      // The reason is logged by the store call; a health endpoint is public, so it says no more.
      return { [key]: { status: 'down', store, message: `the session store did not answer within ${timeout} ms or failed` } };
    } finally {
      clearTimeout(timer);
    }
  }
}
