import type { CallHandler, ExecutionContext, Logger } from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';
import { requestContext } from '../session/request-context';
import type { SessionInterface } from '../session/session-interface';
import { SOCKET_RESPONSE } from '../session/socket-save';
import { stateFor } from '../transports/context-state';
import { toGatewayError } from '../transports/gateway-error';
import { sessionCycle } from './session-cycle';

/**
 * A gateway message: a session of its own, opened from the handshake's cookie when the handler,
 * a guard or a provider asks for it (one store read), saved after the handler when it changed a
 * session the store holds. The handler runs inside the message's async context whatever the
 * `asyncContext` option says: that is how `@Session()` finds the message (Nest hands parameter
 * decorators a copy of the arguments guards and interceptors see). What a socket cannot do
 * reaches the client as a gateway error.
 */
export function socketCycle(context: ExecutionContext, next: CallHandler, sessions: SessionInterface, preload: boolean, logger: Logger): Observable<unknown> {
  const state = stateFor(sessions, context);
  // A ws client without its upgrade request: @Session() says how to keep it, as a gateway error.
  const handled = state
    ? sessionCycle(
        requestContext.run(state, () => next.handle()),
        { sessions, request: state.request, response: SOCKET_RESPONSE, logger, state },
        preload ? state.load() : undefined,
      )
    : next.handle();
  return handled.pipe(catchError((error: unknown) => throwError(() => toGatewayError(error, logger))));
}
