import { Logger } from '@nestjs/common';
import { defer, Observable, of, throwError } from 'rxjs';
import { sessionCycle, type CycleContext } from '../../lib/interceptors/session-cycle';
import type { SessionInterface } from '../../lib/session/session-interface';

/** A request that never opened its session: nothing is attached to it, so nothing is committed. */
const context = (): CycleContext => ({ sessions: {} as SessionInterface, request: { headers: {} } as never, response: {} as never, logger: new Logger('test') });

/** Everything a subscriber sees, in order. */
function record<T>(source: Observable<T>) {
  const seen: string[] = [];
  const subscription = source.subscribe({
    next: (value) => seen.push(`next ${String(value)}`),
    error: (error: Error) => seen.push(`error ${error.message}`),
    complete: () => seen.push('complete'),
  });
  return { seen, subscription };
}

describe('sessionCycle without an opened session', () => {
  it('passes values and completion straight through, in the same tick', () => {
    const { seen } = record(sessionCycle(of('a', 'b'), context()));
    expect(seen).toEqual(['next a', 'next b', 'complete']);
  });

  it("passes the handler's error straight through", () => {
    const { seen } = record(
      sessionCycle(
        throwError(() => new Error('boom')),
        context(),
      ),
    );
    expect(seen).toEqual(['error boom']);
  });

  it('runs the handler only after the session opened', async () => {
    let opened!: () => void;
    const before = new Promise<void>((resolve) => (opened = resolve));
    let ran = false;
    const { seen } = record(
      sessionCycle(
        defer(() => ((ran = true), of('ok'))),
        context(),
        before,
      ),
    );
    await Promise.resolve();
    expect(ran).toBe(false);
    opened();
    await before;
    await Promise.resolve();
    expect(ran).toBe(true);
    expect(seen).toEqual(['next ok', 'complete']);
  });

  it('never runs the handler when the response was abandoned before the session opened', async () => {
    let opened!: () => void;
    const before = new Promise<void>((resolve) => (opened = resolve));
    let ran = false;
    const { seen, subscription } = record(
      sessionCycle(
        defer(() => ((ran = true), of('ok'))),
        context(),
        before,
      ),
    );
    subscription.unsubscribe();
    opened();
    await before;
    await Promise.resolve();
    expect(ran).toBe(false);
    expect(seen).toEqual([]);
  });

  it('errors without running the handler when the session could not be opened', async () => {
    let ran = false;
    const before = Promise.reject(new Error('store down'));
    const { seen } = record(
      sessionCycle(
        defer(() => ((ran = true), of('ok'))),
        context(),
        before,
      ),
    );
    await before.catch(() => undefined);
    await Promise.resolve();
    expect(ran).toBe(false);
    expect(seen).toEqual(['error store down']);
  });

  it('unsubscribes from the handler when its subscriber goes away', () => {
    let torn = false;
    const source = new Observable<string>(() => () => void (torn = true));
    const { subscription } = record(sessionCycle(source, context()));
    expect(torn).toBe(false);
    subscription.unsubscribe();
    expect(torn).toBe(true);
  });
});
