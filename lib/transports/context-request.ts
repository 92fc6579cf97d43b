import type { ExecutionContext } from '@nestjs/common';
import { SessionTransportError } from '../errors/session-transport.error';
import type * as http from '../utils/http';
import { socketRequest, socketTransport } from './socket-request';

/** The HTTP request behind a GraphQL resolver call, and its response when the context has one. */
export interface GraphqlRequest {
  request: http.PlatformRequest;
  /** Express's `res`, Mercurius's `reply`; `undefined` for Apollo on Fastify (the hook gets it). */
  response?: http.PlatformResponse;
}

/**
 * GraphQL's context is the third resolver argument (root, args, context, info). Nest's drivers put
 * the platform request in it as `req` (Apollo, Mercurius); Mercurius adds `reply`, Express's
 * request knows its `res`. Read from the arguments, so the core never imports @nestjs/graphql.
 */
export function graphqlRequest(context: ExecutionContext): GraphqlRequest | undefined {
  const ctx = context.getArgByIndex<Record<string, any> | undefined>(2);
  const request = ctx?.req ?? ctx?.request ?? ctx?.reply?.request;
  if (!request || typeof request !== 'object' || !request.headers) return undefined;
  const response = ctx?.res ?? ctx?.reply ?? request.res;
  // A Node request with no response is a subscription's upgrade request: nothing could carry a
  // save. (A Fastify request has its reply only in the onSend hook, which saves.)
  if (!response && !request.server) return undefined;
  return { request, response };
}

/** The handshake request of a gateway client (`undefined` when it was not kept). */
export function gatewayRequest(client: object): http.PlatformRequest {
  return client && typeof client === 'object' ? socketRequest(client) : undefined;
}

/** The error for a context whose transport offers no request, saying what to change. */
export function noRequestError(context: ExecutionContext): SessionTransportError {
  const type = context.getType<string>();
  return type === 'ws' ? noSocketRequestError(context.switchToWs().getClient<object>()) : noContextRequestError(type);
}

/** The error for a gateway client without a handshake request. */
export function noSocketRequestError(client: object): SessionTransportError {
  const transport = client && typeof client === 'object' ? socketTransport(client) : 'ws';
  return new SessionTransportError(
    transport,
    transport === 'ws'
      ? "this ws gateway's client does not keep its upgrade request, which carries the session cookie. Keep it with app.useWebSocketAdapter(keepUpgradeRequest(new WsAdapter(app))) (keepUpgradeRequest from 'nest-session')."
      : 'this socket.io client has no handshake request to read the session cookie from.',
  );
}

function noContextRequestError(type: string): SessionTransportError {
  if (type === 'graphql') {
    return new SessionTransportError(
      'graphql',
      'this GraphQL resolver has no HTTP request in its context, so it has no session. Keep `req` in the context: a `context` function of GraphQLModule must return `{ req }` (Nest adds it when the function returns none); subscriptions over WebSocket have no session.',
    );
  }
  return new SessionTransportError(
    type,
    `${type === 'rpc' ? 'microservice (rpc)' : JSON.stringify(type)} handlers have no HTTP request and no cookie, so they have no session. Pass what the handler needs (a user id) in the message.`,
  );
}
