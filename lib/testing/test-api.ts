import { SessionArgumentError } from '../errors/session-argument.error';

/**
 * The few matchers the contract suite uses. vitest's and jest's `expect` both have them, so the
 * suite runs under either without depending on one (this package imports neither).
 */
export interface ContractExpectation {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toBeNull(): void;
  toBeUndefined(): void;
  readonly not: ContractExpectation;
  readonly resolves: { toBeUndefined(): Promise<void> };
}

/**
 * What the suite needs of the test framework: vitest's or jest's functions of the same names.
 * Pass them from the spec (`import { describe, it, expect, beforeAll, afterAll } from 'vitest'`,
 * or from `@jest/globals`), or leave them out where the framework provides globals (jest by
 * default, vitest with `globals: true`).
 */
export interface ContractTestApi {
  // Properties, not methods: the suite takes them apart, as a spec does with its imports.
  describe: (name: string, body: () => void) => void;
  it: (name: string, body: () => Promise<void>, timeout?: number) => void;
  beforeAll: (body: () => Promise<void>, timeout?: number) => void;
  afterAll: (body: () => Promise<void>, timeout?: number) => void;
  expect: (actual: unknown) => ContractExpectation;
}

const NAMES = ['describe', 'it', 'expect', 'beforeAll', 'afterAll'] as const;

/** The API the caller passed, else the framework's globals; says what is missing when neither is there. */
export function resolveTestApi(given?: ContractTestApi): ContractTestApi {
  if (given) return given;
  const globals = globalThis as unknown as Partial<Record<(typeof NAMES)[number], unknown>>;
  const missing = NAMES.filter((name) => typeof globals[name] !== 'function');
  if (missing.length > 0) {
    throw new SessionArgumentError(
      `runStoreContract() found no global ${missing.join(', ')}: pass { describe, it, expect, beforeAll, afterAll } from your test framework as its third argument, or turn its globals on (vitest: test.globals = true).`,
    );
  }
  return globals as unknown as ContractTestApi;
}
