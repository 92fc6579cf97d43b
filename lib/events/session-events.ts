import { Logger } from '@nestjs/common';
import type { SessionEventMap, SessionEventName } from './session-event.interface';

/** A listener; a returned promise is not awaited (the request does not wait), its rejection is logged. */
export type SessionEventListener<K extends SessionEventName> = (event: SessionEventMap[K]) => void | Promise<void>;

/** The part of EventEmitter2 (`@nestjs/event-emitter`) events are forwarded to. */
export interface EventEmitterLike {
  emit(event: string, ...values: unknown[]): boolean;
  hasListeners(event?: string): boolean;
}

const logger = new Logger('SessionEvents');

/**
 * Session events, injectable: `events.on('session.created', listener)` returns a function that
 * removes the listener. When the app imports `EventEmitterModule` from `@nestjs/event-emitter`,
 * every event is also emitted there under the same name, so `@OnEvent('session.created')` works.
 *
 * The request path asks `emit(name, build)` with a function that builds the payload: with no
 * listener for that name, nothing is built and nothing allocated. Listeners run after the fact
 * and cannot change the outcome; a listener that throws is logged and the request goes on.
 */
export class SessionEvents {
  private listeners?: Map<SessionEventName, Set<SessionEventListener<any>>>;
  private emitter?: EventEmitterLike;

  on<K extends SessionEventName>(name: K, listener: SessionEventListener<K>): () => void {
    const listeners = (this.listeners ??= new Map());
    let set = listeners.get(name);
    if (!set) listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) listeners.delete(name);
    };
  }

  /** Forwards events to `@nestjs/event-emitter`'s EventEmitter2 (the module does it when one exists). */
  forwardTo(emitter: EventEmitterLike | undefined): void {
    this.emitter = emitter;
  }

  /** True when a listener (here or on the forwarded emitter) waits for `name`. */
  has(name: SessionEventName): boolean {
    return (this.listeners?.has(name) ?? false) || this.emitterListens(name);
  }

  emit<K extends SessionEventName>(name: K, build: () => SessionEventMap[K]): void {
    const own = this.listeners?.get(name);
    const forward = this.emitterListens(name);
    if (!own && !forward) return;
    const event = build();
    if (own) for (const listener of [...own]) this.call(name, () => listener(event));
    if (forward) this.call(name, () => this.emitter?.emit(name, event));
  }

  private emitterListens(name: SessionEventName): boolean {
    if (!this.emitter) return false;
    try {
      return this.emitter.hasListeners(name);
    } catch {
      return false;
    }
  }

  private call(name: string, run: () => unknown): void {
    try {
      const result = run();
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, (error: unknown) => this.report(name, error));
    } catch (error) {
      this.report(name, error);
    }
  }

  private report(name: string, error: unknown): void {
    logger.error(`a listener of ${name} failed: ${(error as Error)?.message ?? String(error)}`);
  }
}
