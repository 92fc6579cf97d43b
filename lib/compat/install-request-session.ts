import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { SessionOptionsError } from '../errors';
import { assignRequestSession } from './assign-request-session';
import { currentRequestSessionView } from './express-session-view';
import type { RequestSessionView } from './express-session-view.interface';

/** The part of Nest's `AbstractHttpAdapter` this needs. */
export interface RequestSessionHttpAdapter {
  getType(): string;
  getInstance(): any;
}

/**
 * Opens the session of a request and returns the object that becomes `req.session`. It is called
 * once with the platform's raw objects and, on Fastify, once more with Fastify's request and
 * reply: it must return the same object both times, and use the last response it was given.
 */
export type OpenRequestSession = (request: any, response: any) => Promise<object>;

const logger = new Logger('SessionModule');

/**
 * Makes `req.session` exist before the application's own middleware and plugins run, so a
 * `main.ts` written for express-session (`app.use(passport.initialize())`,
 * `app.use(passport.session())`) works unchanged. Call it while `NestFactory.create()` builds the
 * providers: that is after the platform is created and before `main.ts` calls `app.use()`.
 *
 * - Express: the first middleware of the express instance.
 * - Fastify: the first middleware of @fastify/middie (which Nest registers before the providers
 *   are built and runs `app.use()` middleware in its `onRequest` hook), for middleware that sees
 *   the raw request; then an `onRequest` hook, added before any plugin of `main.ts`, that sets
 *   `request.session` on Fastify's request for plugins (@fastify/passport), guards and handlers.
 *
 * A failure to open (the store is down) is answered here, as JSON with the error's status
 * (503 for an unavailable store): the request goes no further, and the process never crashes.
 */
export function installRequestSession(httpAdapter: RequestSessionHttpAdapter, open: OpenRequestSession): void {
  const type = httpAdapter.getType();
  const instance = httpAdapter.getInstance();
  if (type === 'express') {
    instance.use(rawMiddleware(open));
  } else if (type === 'fastify') {
    // Plugins that need a session declare it (@fastify/flash, which @fastify/passport registers).
    if (!instance.hasRequestDecorator('session')) instance.decorateRequest('session', null);
    if (typeof instance.use === 'function') instance.use(rawMiddleware(open));
    instance.addHook('onRequest', async (request: any, reply: any) => {
      let view: object;
      try {
        view = await open(request, reply);
      } catch (error) {
        const { status, body } = errorResponse(error);
        return reply.code(status).type('application/json; charset=utf-8').send(body);
      }
      exposeSession(request, view);
      if (!Object.hasOwn(request.raw, 'session')) exposeSession(request.raw, view);
    });
  } else {
    throw new SessionOptionsError(`requestSession works with the Express and Fastify adapters, not ${JSON.stringify(type)}.`);
  }
}

/** Connect-style middleware: Express itself, and @fastify/middie. */
function rawMiddleware(open: OpenRequestSession) {
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    open(request, response).then(
      (view) => {
        exposeSession(request, view);
        next();
      },
      (error: unknown) => {
        if (response.headersSent) return void response.destroy();
        const { status, body } = errorResponse(error);
        response.statusCode = status;
        response.setHeader('Content-Type', 'application/json; charset=utf-8');
        response.end(body);
      },
    );
  };
}

/**
 * `req.session` and express-session's `req.sessionID`. The getter follows `regenerate()`, which
 * replaces the view as express-session replaces its session object. Assigning `req.session`
 * works as in cookie-session: `null` (or `undefined`) logs out (the session is emptied, so the save
 * deletes its record and its cookie), a plain object replaces the data, the view itself is a no-op.
 * Assigning `req.sessionID` is ignored: ids are issued by the server only (adopting one set by
 * code or by a request would be session fixation), and express-session apps that assign it only
 * do so to regenerate, which `req.session.regenerate()` does.
 */
function exposeSession(target: object, view: object): void {
  Object.defineProperty(target, 'session', {
    configurable: true,
    enumerable: true,
    get: () => currentRequestSessionView(view),
    set: (value: unknown) => assignRequestSession(currentRequestSessionView(view) as RequestSessionView, value),
  });
  Object.defineProperty(target, 'sessionID', {
    configurable: true,
    get: () => (currentRequestSessionView(view) as { id?: unknown } | null)?.id,
    set: () => undefined,
  });
}

/** The status and JSON body Nest's exception filter would have sent for the error. */
function errorResponse(error: unknown): { status: number; body: string } {
  const httpError = error as { getStatus?: () => number; getResponse?: () => unknown };
  if (typeof httpError?.getStatus === 'function') {
    const status = httpError.getStatus();
    const response = httpError.getResponse?.();
    return { status, body: JSON.stringify(typeof response === 'object' && response !== null ? response : { statusCode: status, message: String(response) }) };
  }
  logger.error(`could not open the session: ${(error as Error)?.message ?? error}`);
  return { status: 500, body: JSON.stringify({ statusCode: 500, message: 'Internal server error' }) };
}
