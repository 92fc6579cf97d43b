import type { Logger } from '@nestjs/common';
import { SessionSocketError } from '../errors/session-socket.error';
import { SessionStoreUnavailableError } from '../errors/session-store-unavailable.error';
import { SessionTransportError } from '../errors/session-transport.error';
import { loadOptional } from '../utils/load-optional';

/**
 * Session errors of a gateway message as `WsException`s, which Nest's gateway exception filter
 * sends to the client as `{ status: 'error', message }` (any other error reaches the client as
 * "Internal server error"). Logged with the reason, since the client may not be listening.
 * @nestjs/websockets is loaded here only: a gateway is running, so it is installed.
 */
export function toGatewayError(error: unknown, logger: Logger): unknown {
  let message: string;
  if (error instanceof SessionSocketError || error instanceof SessionTransportError) message = error.message;
  else if (error instanceof SessionStoreUnavailableError) message = 'nest-session: the session store is unavailable; try again shortly.';
  else return error;
  logger.warn(error.message);
  const { WsException } = loadOptional<{ WsException: new (error: string) => Error }>('@nestjs/websockets', 'A session in a WebSocket gateway');
  return new WsException(message);
}
