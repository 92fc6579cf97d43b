import type { ExecutionContext } from '@nestjs/common';
import { RequestSession } from '../session/request-session';
import type { SessionInterface } from '../session/session-interface';
import { gatewayRequest, graphqlRequest } from './context-request';
import { armGraphqlCommit } from './graphql-commit';
import { socketTransport } from './socket-request';

/**
 * The session state of the call an execution context describes, created when missing:
 * - `http`: the request's, saved by the interceptor after the handler;
 * - `graphql`: the HTTP request's, shared by every resolver of it, saved once before its response;
 * - `ws`: the message's, shared by its guards and interceptor, read anew from the store.
 * `undefined` when the transport offers no request (RPC, a GraphQL context without `req`, a ws
 * client whose upgrade request was not kept): see `noRequestError` for what to tell the user.
 */
export function stateFor(sessions: SessionInterface, context: ExecutionContext): RequestSession | undefined {
  switch (context.getType<string>()) {
    case 'http': {
      const http = context.switchToHttp();
      return RequestSession.attach(sessions, http.getRequest(), http.getResponse());
    }
    case 'graphql': {
      const found = graphqlRequest(context);
      if (!found) return undefined;
      const state = RequestSession.attach(sessions, found.request, found.response);
      state.deferCommit(armGraphqlCommit);
      return state;
    }
    case 'ws': {
      const client = context.switchToWs().getClient<object>();
      const request = gatewayRequest(client);
      return request && RequestSession.forMessage(sessions, context.getArgs(), request, socketTransport(client));
    }
    default:
      return undefined;
  }
}
