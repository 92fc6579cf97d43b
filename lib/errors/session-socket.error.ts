import { SessionError } from './session.error';

/** Why a socket could not do what was asked: stable codes, one per documented limit. */
export type SessionSocketErrorCode = 'SESSION_SOCKET_COOKIE_WRITE' | 'SESSION_SOCKET_NO_SESSION' | 'SESSION_SOCKET_REGENERATE';

const REASONS: Record<SessionSocketErrorCode, string> = {
  SESSION_SOCKET_COOKIE_WRITE:
    'a socket cannot change a session kept in the cookie store: no cookie can be sent over a socket, so the change would be lost. Change it over HTTP, or use a server-side store.',
  SESSION_SOCKET_NO_SESSION:
    'a socket cannot start a session: the handshake carried none, and a new session could never reach the client without a cookie. Start it over HTTP (a login route), then connect.',
  SESSION_SOCKET_REGENERATE: 'a socket cannot regenerate the session: the new id would need a new cookie, which cannot be sent over a socket. Regenerate over HTTP.',
};

/**
 * A gateway handler asked for what a socket cannot do: everything that needs a new cookie. The
 * session interceptor hands it to the gateway's exception filter as a `WsException`, so the client
 * receives this message as a normal gateway error, and logs it.
 */
export class SessionSocketError extends SessionError {
  constructor(
    /** Which limit was hit. */
    readonly code: SessionSocketErrorCode,
    /** `socket.io` or `ws`. */
    readonly transport: string,
  ) {
    super(`nest-session: ${REASONS[code]} (${transport} gateway)`);
    this.name = 'SessionSocketError';
  }
}
