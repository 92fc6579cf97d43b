import { isDeepStrictEqual } from 'node:util';
import type { SaveOutcome, SessionWrite } from 'nest-session';
import { runStoreContract, type ContractExpectation, type ContractTestApi } from 'nest-session/testing';
import { MapSessionStore } from './map-session.store';

/** A patch that finds no record creates one: the bug the contract's "never recreates" rule is for. */
class RecreatingStore extends MapSessionStore {
  override save(id: string, write: SessionWrite): Promise<SaveOutcome> {
    return super.save(id, { ...write, create: true });
  }
}

/**
 * A test framework of a few lines, neither vitest nor jest: the suite needs only the five
 * functions it is given. Collects the cases, then runs them in order and reports each outcome.
 */
function miniFramework() {
  const cases: { name: string; run: () => Promise<void> }[] = [];
  const before: (() => Promise<void>)[] = [];
  const after: (() => Promise<void>)[] = [];
  const expectation = (actual: unknown, negate = false): ContractExpectation => {
    const check = (ok: boolean, what: string) => {
      if (ok === negate) throw new Error(`expected ${JSON.stringify(actual)} ${negate ? 'not ' : ''}${what}`);
    };
    return {
      toBe: (expected) => check(Object.is(actual, expected), `to be ${JSON.stringify(expected)}`),
      toEqual: (expected) => check(isDeepStrictEqual(actual, expected), `to equal ${JSON.stringify(expected)}`),
      toBeNull: () => check(actual === null, 'to be null'),
      toBeUndefined: () => check(actual === undefined, 'to be undefined'),
      get not() {
        return expectation(actual, !negate);
      },
      resolves: { toBeUndefined: async () => expectation(await actual, negate).toBeUndefined() },
    };
  };
  const api: ContractTestApi = {
    describe: (_name, body) => body(),
    it: (name, run) => cases.push({ name, run }),
    beforeAll: (run) => before.push(run),
    afterAll: (run) => after.push(run),
    expect: (actual) => expectation(actual),
  };
  const run = async () => {
    for (const hook of before) await hook();
    const failed: string[] = [];
    for (const { name, run: body } of cases) await body().catch(() => failed.push(name));
    for (const hook of after) await hook();
    return { total: cases.length, failed };
  };
  return { api, run };
}

describe('the public store contract suite', () => {
  it('runs under a framework that is not vitest, and passes a correct store', async () => {
    const framework = miniFramework();
    runStoreContract('map', async () => ({ store: new MapSessionStore(), cleanup: async () => undefined }), framework.api);
    const { total, failed } = await framework.run();
    expect(total).toBe(14);
    expect(failed).toEqual([]);
  }, 60_000);

  it('fails a store that recreates a missing session on a patch', async () => {
    const framework = miniFramework();
    runStoreContract('recreating', async () => ({ store: new RecreatingStore(), cleanup: async () => undefined }), framework.api);
    const { failed } = await framework.run();
    expect(failed).toEqual(
      expect.arrayContaining(['never recreates a missing record on a patch', 'keeps a destroyed session destroyed: a slower save after the destroy writes nothing']),
    );
  }, 60_000);

  it('says what to pass when there is neither an API nor globals', () => {
    const saved = (globalThis as { describe?: unknown }).describe;
    delete (globalThis as { describe?: unknown }).describe;
    try {
      expect(() => runStoreContract('none', async () => ({ store: new MapSessionStore(), cleanup: async () => undefined }))).toThrow(
        /found no global describe: pass \{ describe, it, expect, beforeAll, afterAll \}/,
      );
    } finally {
      (globalThis as { describe?: unknown }).describe = saved;
    }
  });
});
