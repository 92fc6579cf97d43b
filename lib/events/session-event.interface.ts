import type { CsrfFailure } from '../errors/csrf-rejected.error';

/**
 * What every session event carries. `sessionId` is a bearer credential: fine for in-process
 * bookkeeping, never for logs or responses. `null` with the cookie store, which has no ids.
 */
export interface SessionEventBase {
  sessionId: string | null;
  /** The user id under the `userKey` option, when the session held one. */
  userId?: string;
}

/** A new session was saved for the first time (its cookie is on the response). */
export type SessionCreatedEvent = SessionEventBase;

/** The session moved to a new id (`regenerate()`, login); the old record is gone. */
export interface SessionRegeneratedEvent extends SessionEventBase {
  /** The id the session had before; `null` when it was never saved, or with the cookie store. */
  previousSessionId: string | null;
}

/** The session was ended by `destroy()` (logout). */
export type SessionDestroyedEvent = SessionEventBase;

/** A request brought the cookie of a session that had outlived its lifetime or timeouts. */
export type SessionExpiredEvent = SessionEventBase;

/** `SessionService.destroyUserSessions()` logged a user out everywhere. */
export interface UserLoggedOutEvent {
  userId: string;
  /** How many sessions were destroyed. */
  count: number;
  /** The session that was kept, if any. */
  except?: string | null;
}

/** A request with an unsafe method was refused for its CSRF token (answered 403). */
export interface CsrfRejectedEvent {
  reason: CsrfFailure;
  method: string;
  /** The request path and query, as the platform saw it. */
  url: string;
  /** The platform's request (Express `Request`, Fastify `FastifyRequest`), for address or user agent. */
  request: unknown;
}

/** Every event by name; the names are also what `@OnEvent()` of `@nestjs/event-emitter` listens to. */
export interface SessionEventMap {
  'session.created': SessionCreatedEvent;
  'session.regenerated': SessionRegeneratedEvent;
  'session.destroyed': SessionDestroyedEvent;
  'session.expired': SessionExpiredEvent;
  'session.user-logged-out': UserLoggedOutEvent;
  'csrf.rejected': CsrfRejectedEvent;
}

export type SessionEventName = keyof SessionEventMap;
