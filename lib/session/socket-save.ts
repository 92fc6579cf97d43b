import { SessionSocketError } from '../errors/session-socket.error';
import { hasChanges, type SessionState } from './session-state';

/**
 * The response of a socket message: there is none, and no header can be sent. Saving through it
 * writes the store and drops the cookie, which the client already holds (the id does not change).
 */
export const SOCKET_RESPONSE = Object.freeze({
  headersSent: false,
  getHeader: (): undefined => undefined,
  setHeader: (): void => undefined,
});

/**
 * Whether a socket's session may be saved, and the error when it cannot be: a socket can change
 * a session the store already holds, nothing that needs a new cookie. A message that changed
 * nothing saves nothing (no touch either: a flood of reads costs one read per message).
 */
export function socketSaveAllowed(state: SessionState, transport: string): boolean {
  const changed = state.destroyed || state.forceSave || hasChanges(state.snapshot());
  if (!changed) return false;
  // A session without an id lives only in its cookie (the cookie store).
  if (state.origin.id === null) throw new SessionSocketError('SESSION_SOCKET_COOKIE_WRITE', transport);
  if (state.origin.isNew && !state.isEmpty()) throw new SessionSocketError('SESSION_SOCKET_NO_SESSION', transport);
  return true;
}
