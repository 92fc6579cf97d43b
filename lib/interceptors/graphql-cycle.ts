import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { defer, mergeMap, type Observable } from 'rxjs';
import { requestContext } from '../session/request-context';
import type { SessionInterface } from '../session/session-interface';
import { stateFor } from '../transports/context-state';

/**
 * A GraphQL resolver: its HTTP request's session, opened at most once for all its resolvers
 * (aliases and batched operations included) and saved once when the response is sent (see
 * armGraphqlCommit), never after a resolver: the next one may still write. A resolver that
 * writes and then throws keeps its write; its error goes to `errors[]`.
 */
export function graphqlCycle(context: ExecutionContext, next: CallHandler, sessions: SessionInterface, preload: boolean): Observable<unknown> {
  const state = stateFor(sessions, context);
  // No request in this context (a subscription, a context without req): @Session() says why.
  if (!state) return next.handle();
  const handle = sessions.options.asyncContext ? () => requestContext.run(state, () => next.handle()) : () => next.handle();
  if (!preload) return handle();
  return defer(() => state.load()).pipe(mergeMap(handle));
}
