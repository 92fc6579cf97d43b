import { Logger } from '@nestjs/common';
import { SessionStoreUnavailableError } from '../errors';
import type * as http from '../utils/http';
import type { OpenedSession, SessionInterface } from './session-interface';
import type { SessionState } from './session-state';

/*
 * What a request's session tells the application beyond the response: the lifecycle events (with
 * the user they concern), the metrics, and the log line of a change lost to a late cookie. Kept
 * apart from RequestSession so that class reads as open, save and end, and the rules of what is
 * reported, and about whom, are in one place.
 */

const logger = new Logger('SessionModule');

/** The saved session a state stands for before an operation ends it; undefined when it was never saved. */
export type SessionIdentity = { id: string | null; userId?: string } | undefined;

/** A session was opened: counted, and reported as expired when the cookie named one that had lapsed. */
export function reportOpened(sessions: SessionInterface, opened: OpenedSession): void {
  const { expired } = opened;
  if (expired) sessions.events.emit('session.expired', () => ({ sessionId: expired.id, userId: expired.userId }));
  sessions.options.metrics?.opened?.({ fresh: opened.state.origin.isNew });
}

/** Taken before `regenerate()` or `destroy()` runs, since both end the session the events name. */
export function identityOf(sessions: SessionInterface, state: SessionState): SessionIdentity {
  if (state.origin.isNew && !state.regenerated) return undefined;
  return { id: state.origin.isNew ? null : state.origin.id, userId: userIdOf(sessions, state) };
}

export function emitCreated(sessions: SessionInterface, state: SessionState): void {
  sessions.events.emit('session.created', () => ({ sessionId: state.origin.id, userId: userIdOf(sessions, state) }));
}

export function emitRegenerated(sessions: SessionInterface, state: SessionState, before: SessionIdentity): void {
  sessions.events.emit('session.regenerated', () => ({ sessionId: state.origin.id, previousSessionId: before?.id ?? null, userId: userIdOf(sessions, state) }));
}

export function emitDestroyed(sessions: SessionInterface, before: SessionIdentity): void {
  if (before) sessions.events.emit('session.destroyed', () => ({ sessionId: before.id, userId: before.userId }));
}

/** Counts a store failure that fails the request with 503. */
export function reportUnavailable(sessions: SessionInterface, error: unknown): void {
  const metrics = sessions.options.metrics;
  if (metrics?.unavailable && error instanceof SessionStoreUnavailableError) metrics.unavailable({ operation: error.operation });
}

/**
 * A change that needed a cookie after the headers left (`LateCookieError`) is logged, not thrown:
 * the response is already on its way. On an `@Sse()` route it always happens, so it is explained.
 */
export function logLateCookie(error: Error, eventStream: boolean, request: http.PlatformRequest): void {
  logger.error(`${eventStream ? SSE_LATE : error.message} (${request.method} ${request.url})`);
}

/** The user id events carry: the `userKey` value as text, undefined without one. */
function userIdOf(sessions: SessionInterface, state: SessionState): string | undefined {
  const key = sessions.options.userKey;
  if (!key || !state.has(key)) return undefined;
  const value = state.read(key);
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

const SSE_LATE =
  'nest-session: a change to the session on a @Sse() route was lost: the stream sends its headers before the first event, so no cookie can follow. Change the session on a normal route before opening the stream; with a server-side store, changes to a session that already exists are saved.';
