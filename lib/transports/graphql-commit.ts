import type { ServerResponse } from 'node:http';
import { SessionTransportError } from '../errors/session-transport.error';
import { RequestSession } from '../session/request-session';
import { isFastifyReply } from '../utils/http';
import { commitFailure } from './commit-failure';

/** Marks a Fastify instance whose `onSend` hook commits GraphQL sessions, and a held response. */
const COMMIT_HOOK = Symbol('nest-session.graphql-commit-hook');
const HELD = Symbol('nest-session.held-response');

/** The Node response methods that send something: the first call waits for the commit. */
const SENDING = ['writeHead', 'write', 'end', 'flushHeaders'] as const;

/**
 * Makes the response of a GraphQL request wait for its one session save. Resolvers end one by one
 * and none knows it is the last; the response is the one point after all of them. On Fastify
 * (Mercurius, Apollo) the `onSend` hook installed by {@link installFastifyCommit} commits; on
 * Express the first call that would send anything is held until the commit settles, then replayed
 * in order. Runs only when a GraphQL request opens its session: other requests are never held.
 * Returns the error to open with when nothing could save (a Fastify app without the hook).
 */
export function armGraphqlCommit(state: RequestSession): SessionTransportError | undefined {
  const fastifyRequest = (state.request as { server?: Record<symbol, unknown> }).server;
  if (fastifyRequest) {
    if (fastifyRequest[COMMIT_HOOK]) return undefined;
    return new SessionTransportError(
      'graphql',
      'the GraphQL session cannot be saved: SessionModule found no GraphQLModule when the application was built, so it added no Fastify hook. Import GraphQLModule.forRoot() in a module the application imports.',
    );
  }
  const response = state.response as ServerResponse;
  // The held methods, as own properties that shadow the prototype's until the commit settles.
  const own = response as unknown as Record<string | symbol, unknown>;
  if (!response || isFastifyReply(response) || own[HELD]) return undefined;
  own[HELD] = true;
  const queue: [method: (typeof SENDING)[number], args: unknown[]][] = [];
  // The wrappers stay after the commit and pass calls straight through: deleting own properties
  // would turn the response into a slow, dictionary-mode object for the rest of its life.
  let held = true;
  const replay = () => {
    held = false;
    for (const [method, args] of queue) (own[method] as (...a: unknown[]) => unknown).apply(response, args);
  };
  const fail = (error: unknown) => {
    held = false;
    const { status, body } = commitFailure(error);
    response.statusCode = status;
    response.removeHeader('content-length');
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.end(body);
  };
  for (const method of SENDING) {
    const original = own[method] as (...a: unknown[]) => unknown;
    own[method] = (...args: unknown[]) => {
      if (!held) return original.apply(response, args);
      if (queue.push([method, args]) === 1) state.commit().then(replay, fail);
      return method === 'write' ? true : response;
    };
  }
  return undefined;
}

/**
 * Commits the session of a GraphQL request in Fastify's `onSend`, where headers can still be set
 * and the payload still replaced (by the 503 of a failed save). A synchronous hook: a response
 * whose request opened no GraphQL session costs one property read, no promise.
 */
export function installFastifyCommit(instance: any): void {
  if (instance[COMMIT_HOOK]) return;
  instance[COMMIT_HOOK] = true;
  instance.addHook('onSend', (request: unknown, reply: any, payload: unknown, done: (error: null, payload: unknown) => void) => {
    const state = RequestSession.find(request);
    if (state?.mode !== 'graphql' || !state.isOpen) {
      done(null, payload);
      return;
    }
    state.response = reply;
    state.commit().then(
      () => done(null, payload),
      (error: unknown) => {
        const { status, body } = commitFailure(error);
        reply.code(status).header('content-type', 'application/json; charset=utf-8');
        done(null, body);
      },
    );
  });
}
