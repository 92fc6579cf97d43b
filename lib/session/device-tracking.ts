import { DEVICE_KEY } from '../contract/session-keys';
import type * as http from '../utils/http';
import type { ResolvedSessionOptions } from '../utils/resolve-options';
import { deviceDetails } from './device-metadata';
import type { SessionSnapshot, SessionState } from './session-state';

/**
 * Keeps the opt-in device details in step with the session's user, just before a save: recorded
 * when the session gets a user (`userId` a string: login), dropped when it loses one (`null`:
 * logout without destroy), left alone otherwise (`undefined`). Returns the snapshot to save.
 * Costs nothing on requests that do not change the user.
 */
export function trackDevice(
  state: SessionState,
  snapshot: SessionSnapshot,
  userId: string | null | undefined,
  request: http.PlatformRequest,
  options: ResolvedSessionOptions,
): SessionSnapshot {
  if (userId === undefined) return snapshot;
  const details = userId !== null && options.devices ? deviceDetails(request, options.devices) : undefined;
  if (details !== undefined) state.write(DEVICE_KEY, details);
  else if (state.has(DEVICE_KEY)) state.remove(DEVICE_KEY);
  else return snapshot;
  return state.snapshot();
}

/**
 * True when a logged-in session that only read its data should still renew its record, so that
 * its last-seen time stays within `devices.lastSeenInterval` of the truth.
 */
export function lastSeenDue(state: SessionState, now: number, options: ResolvedSessionOptions): boolean {
  const interval = options.devices?.lastSeenInterval;
  return !!interval && now - state.origin.touchedAt >= interval && state.has(options.userKey as string);
}
