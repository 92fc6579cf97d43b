import { Logger } from '@nestjs/common';
import { SessionOptionsError } from '../../errors';

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
 * Resolves the store's client from its options: exactly one way must be given, either something
 * the user created (a client, a database handle: never closed by the store) or options from which
 * the store creates its own client (closed in `close()`, built with fail-fast defaults by
 * `create`).
 *
 * @param store name of the store, for the error message
 * @param yours the options that pass something the user created, e.g. `{ client }`
 * @param ours the options from which the store creates a client, e.g. `{ connection, cluster }`
 * @param create builds the owned client from the one option of `ours` that was given
 */
export function resolveClient<C>(store: string, yours: Record<string, unknown>, ours: Record<string, unknown>, create: (key: string) => C): OwnedClient<C> {
  const all = { ...yours, ...ours };
  const keys = Object.keys(all);
  const present = keys.filter((key) => all[key] !== undefined);
  if (present.length !== 1) {
    const names = keys.map((key) => `\`${key}\``);
    throw new SessionOptionsError(`${store} needs exactly one of ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}.`);
  }
  const [key] = present;
  if (key in yours) return { client: yours[key] as C, owned: false };
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
