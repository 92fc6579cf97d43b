import { CasRetriesExhaustedError } from '../../errors/cas-retries-exhausted.error';

/** What a CAS step returns when another writer got there first and the step must run again. */
export const CONFLICT = Symbol('cas-conflict');

/**
 * The replies that mean "someone else wrote first": `EXISTS` (the CAS token is stale),
 * `NOT_FOUND` (the item was deleted or expired since our `gets`), `NOT_STORED` (an `add` found
 * the key taken). memcache-client rejects with an Error whose message is the reply.
 */
export function isConflict(error: unknown): boolean {
  const message = (error as Error | undefined)?.message;
  return message === 'EXISTS' || message === 'NOT_FOUND' || message === 'NOT_STORED';
}

/** Runs a storage command, turning a conflict reply into {@link CONFLICT}. */
export async function orConflict(command: Promise<unknown>): Promise<true | typeof CONFLICT> {
  try {
    await command;
    return true;
  } catch (error) {
    if (isConflict(error)) return CONFLICT;
    throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one read-change-CAS step until it does not conflict, at most `attempts` times, with a
 * short jittered backoff so writers from other processes spread out instead of colliding again.
 */
export async function withCas<T>(key: string, attempts: number, step: () => Promise<T | typeof CONFLICT>): Promise<T> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const result = await step();
    if (result !== CONFLICT) return result;
    await sleep(Math.random() * Math.min(2 ** attempt, 50));
  }
  throw new CasRetriesExhaustedError(key, attempts);
}
