import { Logger } from '@nestjs/common';
import { SessionOptionsError } from '../../errors/session.errors';

/** The part of an event emitter the guard needs (every driver client has it). */
export interface ErrorEmitterLike {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** A client and whether the store created it, so `close()` closes only what the store owns. */
export interface OwnedClient<C> {
  client: C;
  owned: boolean;
}

/**
 * Resolves the store's client from its options: exactly one way must be given, either a client
 * the user created (never closed by the store) or options from which the store creates its own
 * (closed in `close()`, built with fail-fast defaults by `create`).
 *
 * @param store name of the store, for the error message
 * @param given the options that each name one way to get a client, e.g. `{ client, connection }`;
 *   the first key is the user's own client
 * @param create builds the owned client from the one option that was given
 */
export function resolveClient<C>(store: string, given: Record<string, unknown>, create: (key: string) => C): OwnedClient<C> {
  const keys = Object.keys(given);
  const present = keys.filter((key) => given[key] !== undefined);
  if (present.length !== 1) {
    const names = keys.map((key) => `\`${key}\``);
    throw new SessionOptionsError(`${store} needs exactly one of ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}.`);
  }
  const [key] = present;
  if (key === keys[0]) return { client: given[key] as C, owned: false };
  return { client: create(key), owned: true };
}

/**
 * Listens for 'error' on a client the store created. Without a listener, one 'error' event (the
 * server restarting, a socket reset) ends the process; with it, the failing calls reject (a 503)
 * and the log says once that the connection failed, and once that it is back (`onBack`).
 *
 * @returns a function to call when the connection works again
 */
export function guardClientErrors(client: ErrorEmitterLike, store: string, server: string): () => void {
  const logger = new Logger(store);
  let failing = false;
  client.on('error', (error: Error) => {
    if (failing) return;
    failing = true;
    logger.warn(`${server} connection failed (${error?.message ?? String(error)}); session calls fail until it is back.`);
  });
  return () => {
    if (failing) logger.log(`${server} connection is back.`);
    failing = false;
  };
}
