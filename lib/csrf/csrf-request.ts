import type { ExecutionContext } from '@nestjs/common';
import { graphqlRequest } from '../transports/context-request';
import type * as http from '../utils/http';
import type { ResolvedCsrfOptions } from '../utils/resolve-csrf-options';

/** RFC 9110's safe methods: never checked (a GET with side effects is the app's bug, documented). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** The HTTP request behind an execution context that must be checked, if any. */
export interface CsrfTarget {
  request: http.PlatformRequest;
  response: http.PlatformResponse;
}

/**
 * The request to check: an HTTP request with an unsafe method, or the HTTP request that carried a
 * GraphQL mutation (Apollo's `context.req`, Mercurius's `context.reply.request`). Queries and
 * subscriptions are reads, like GET; RPC and WebSocket contexts carry no browser form post.
 */
export function csrfTarget(context: ExecutionContext): CsrfTarget | undefined {
  const type = context.getType<string>();
  if (type === 'http') {
    const target = context.switchToHttp();
    const request = target.getRequest();
    return SAFE_METHODS.has(request.method) ? undefined : { request, response: target.getResponse() };
  }
  if (type !== 'graphql') return undefined;
  const info = context.getArgByIndex<{ operation?: { operation?: string } } | undefined>(3);
  if (info?.operation?.operation !== 'mutation') return undefined;
  // A mutation that did not come over HTTP (a subscription transport) has no cookie to forge with.
  const target = graphqlRequest(context);
  if (!target) return undefined;
  const { request, response } = target;
  return SAFE_METHODS.has(request.method) ? undefined : { request, response };
}

/**
 * The token the request sent: the first configured header that is present, else the form (or
 * JSON) field. A header sent twice arrives as an array (or joined) and is refused as malformed.
 */
export function submittedToken(request: http.PlatformRequest, options: ResolvedCsrfOptions): unknown {
  const headers = request.headers as Record<string, string | string[] | undefined>;
  for (const name of options.headerNames) {
    const value = headers[name];
    if (value !== undefined && value !== '') return value;
  }
  const body: unknown = request.body;
  if (body === null || typeof body !== 'object' || Buffer.isBuffer(body) || !Object.hasOwn(body, options.fieldName)) return undefined;
  return (body as Record<string, unknown>)[options.fieldName];
}
