import { SessionError } from './session.error';

/**
 * The session was asked for where the transport has no request to read it from: a microservice
 * (RPC) handler, a GraphQL context whose function dropped `req`, a ws gateway whose adapter does
 * not keep the upgrade request. The module is imported; the fix is in how the transport is set
 * up, and the message names it.
 */
export class SessionTransportError extends SessionError {
  /** Stable code for programs: the transport offers no request to read a session from. */
  readonly code = 'SESSION_TRANSPORT_NO_REQUEST';

  constructor(
    /** The transport, as Nest names the context type (`graphql`, `ws`, `rpc`, …). */
    readonly transport: string,
    hint: string,
  ) {
    super(`nest-session: ${hint}`);
    this.name = 'SessionTransportError';
  }
}
