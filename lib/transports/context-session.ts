import type { ExecutionContext } from '@nestjs/common';
import { SessionContextError } from '../errors/session-context.error';
import type { Session } from '../interfaces/session.interface';
import { requestContext } from '../session/request-context';
import { RequestSession } from '../session/request-session';
import { gatewayRequest, graphqlRequest, noRequestError } from './context-request';

const NOT_IMPORTED = '@Session() found no session: import SessionModule.forRoot() in the application module, and import Session from "nest-session", not "@nestjs/common".';

/**
 * The session `@Session()` hands a handler, as the interceptor prepared it (the decorator has no
 * access to the module's providers): HTTP handlers get it opened; a GraphQL field resolver that
 * runs without interceptors gets its request's session, opened now if no resolver did (Nest awaits
 * the promise); a gateway message finds its own through the async context the interceptor entered.
 * Tells "module not imported" apart from "this transport has no request", naming the transport.
 */
export function sessionOf(context: ExecutionContext): Session | Promise<Session> {
  const type = context.getType<string>();
  if (type === 'http') {
    const session = RequestSession.find(context.switchToHttp().getRequest())?.session;
    if (!session) throw new SessionContextError(NOT_IMPORTED);
    return session;
  }
  let state: RequestSession | undefined;
  if (type === 'graphql') {
    const found = graphqlRequest(context);
    if (!found) throw noRequestError(context);
    state = RequestSession.find(found.request);
  } else if (type === 'ws') {
    const request = gatewayRequest(context.switchToWs().getClient<object>());
    if (!request) throw noRequestError(context);
    const current = requestContext.getStore();
    state = current?.request === request ? current : undefined;
  } else {
    throw noRequestError(context);
  }
  if (!state) throw new SessionContextError(NOT_IMPORTED);
  return state.session ?? state.load();
}
