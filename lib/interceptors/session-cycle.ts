import type { Logger } from '@nestjs/common';
import { Observable, Subscriber } from 'rxjs';
import { RequestSession } from '../session/request-session';
import type { SessionInterface } from '../session/session-interface';
import type * as http from '../utils/http';

/** What one request's cycle needs: where it runs and how to reach its session. */
export interface CycleContext {
  sessions: SessionInterface;
  request: http.PlatformRequest;
  response: http.PlatformResponse;
  logger: Logger;
  /** A gateway message's own state (not kept on the handshake request, which every message shares). */
  state?: RequestSession;
}

/**
 * The handler's results, released only after the session is saved: each value waits for its
 * commit, so the cookie is on the response before the response is written. An error waits for a
 * commit too (writes made before the error are kept), and the handler's error is what the client
 * sees; a failed save is logged beside it. Requests that never opened the session pass straight
 * through: one property read per value, no promise, no state.
 */
export function sessionCycle<T>(source: Observable<T>, context: CycleContext, before?: Promise<unknown>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const cycle = new Cycle(subscriber, context);
    if (!before) return source.subscribe(cycle);
    before.then(
      () => {
        // Unsubscribed meanwhile (the client went away): the handler never runs.
        if (!cycle.closed) source.subscribe(cycle);
      },
      (error: unknown) => subscriber.error(error),
    );
    return cycle;
  });
}

/**
 * The subscriber between the handler and Nest. A `Subscriber` of rxjs's own, as its operators
 * use: handed to `subscribe()` as it is, where a plain observer would be wrapped in two more
 * objects on every request, the unused routes' included. Unsubscribed with Nest's subscriber.
 */
class Cycle<T> extends Subscriber<T> {
  /** Commits and deliveries still in flight, in order. */
  private pending?: Promise<void>;
  private emitted = false;
  private failed = false;

  constructor(
    /** Nest's subscriber, kept here: rxjs drops `destination` when this one is unsubscribed. */
    private readonly out: Subscriber<T>,
    private readonly context: CycleContext,
  ) {
    // rxjs 7 (the peer range) marks the constructor as internal to steer apps to operators; its
    // own operators are built on it, and test/unit/session-cycle.spec.ts pins what this relies on.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    super(out);
  }

  protected override _next(value: T): void {
    this.emitted = true;
    this.afterCommit(() => this.out.next(value), true);
  }

  protected override _complete(): void {
    // A value already triggered the commit; a handler that emitted nothing commits here.
    this.afterCommit(() => this.out.complete(), !this.emitted);
  }

  protected override _error(error: unknown): void {
    const state = this.openState();
    if (!state) {
      this.out.error(error);
      return;
    }
    const release = () => {
      this.out.error(error);
    };
    this.pending = (this.pending ?? Promise.resolve())
      .then(() => state.commit())
      .catch((saveError: unknown) => this.context.logger.error(`session not saved after a failed request: ${(saveError as Error)?.message ?? saveError}`))
      .then(release);
  }

  private afterCommit(deliver: () => void, commit: boolean): void {
    const state = commit ? this.openState() : undefined;
    if (!state && !this.pending) {
      deliver();
      return;
    }
    const step = state ? () => state.commit() : () => undefined;
    this.pending = (this.pending ?? Promise.resolve()).then(step).then(
      () => {
        if (!this.failed) deliver();
      },
      (error: unknown) => {
        if (this.failed) return;
        this.failed = true;
        this.out.error(error);
      },
    );
  }

  /** The request's session state if it was opened (by @Session(), a guard, a provider or req.session). */
  private openState(): RequestSession | undefined {
    const { sessions, request, response, state } = this.context;
    if (state) return state.isOpen ? state : undefined;
    if (!RequestSession.find(request)?.isOpen) return undefined;
    return RequestSession.attach(sessions, request, response);
  }
}
