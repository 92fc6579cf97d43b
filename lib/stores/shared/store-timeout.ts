import type { StoreSettings } from '../../contract/session-store';
import { SessionOptionsError } from '../../errors';

/** Time a store call may take when the module never called `start()`: the module's own default. */
export const DEFAULT_STORE_TIMEOUT = 2000;

/** Checks the settings given to `start()` and returns the timeout in milliseconds. */
export function timeoutOf(settings: StoreSettings | undefined): number {
  const timeout = settings?.timeout ?? DEFAULT_STORE_TIMEOUT;
  if (!Number.isFinite(timeout) || timeout <= 0) throw new SessionOptionsError(`a store timeout must be a positive number of milliseconds, got ${timeout}`);
  return Math.ceil(timeout);
}
