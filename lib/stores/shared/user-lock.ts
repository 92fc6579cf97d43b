import { SessionStoreTimeoutError } from '../../errors/session-store-timeout.error';

/** Releases a user lock; never throws (a lock that cannot be released expires or dies with its connection). */
export type ReleaseUserLock = () => Promise<void>;

/**
 * Polls `attempt` until it takes the lock or `timeout` milliseconds have passed (then fails as a
 * store timeout: the login answers 503 and nothing is written). Waits grow from 5 to 50 ms, so
 * two logins of one user cost a few round trips, not a busy loop.
 */
export async function pollLock(store: string, timeout: number, attempt: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeout;
  for (let wait = 5; ; wait = Math.min(50, wait * 2)) {
    if (await attempt()) return;
    if (Date.now() + wait >= deadline) throw new SessionStoreTimeoutError(store, timeout);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
