import type { SessionStore } from '../contract/session-store';
import { RECORD_CASES } from './record-cases';
import { resolveTestApi, type ContractTestApi } from './test-api';
import { USER_INDEX_CASES } from './user-index-cases';

/** A store under test, and how to let go of it. */
export interface StoreHarness {
  store: SessionStore;
  /** Closes whatever the harness opened (clients, temporary folders). */
  cleanup(): Promise<void>;
}

/**
 * Time each case and hook may take, in milliseconds. Above jest's default of 5 s: two cases wait
 * out a 1 s ttl, and 100 saves of one session queue behind each other in some stores.
 */
export const CONTRACT_CASE_TIMEOUT = 30_000;

/**
 * Runs the contract every store must keep (the rules listed on `SessionStore`) as one `describe`
 * block, `"<name>: store contract"`, from a vitest or jest spec:
 *
 *     runStoreContract('my store', async () => ({ store: new MyStore(), cleanup: async () => {} }));
 *
 * `open` is called once, before the cases; the store is then started as the module starts it,
 * with `{ timeout: 30000 }` (the suite checks behaviour, not speed). `api` is the framework's
 * `{ describe, it, expect, beforeAll, afterAll }`; without it the framework's globals are used.
 * The cases wait out 1 s expiries and run 100 concurrent saves, so the suite takes a few seconds.
 */
export function runStoreContract(name: string, open: () => Promise<StoreHarness>, api?: ContractTestApi): void {
  const { describe, it, expect, beforeAll, afterAll } = resolveTestApi(api);
  describe(`${name}: store contract`, () => {
    let harness: StoreHarness | undefined;
    beforeAll(async () => {
      harness = await open();
      await harness.store.start?.({ timeout: CONTRACT_CASE_TIMEOUT });
    }, CONTRACT_CASE_TIMEOUT);
    afterAll(async () => harness?.cleanup(), CONTRACT_CASE_TIMEOUT);
    for (const { name: title, run } of [...RECORD_CASES, ...USER_INDEX_CASES]) {
      it(title, () => run((harness as StoreHarness).store, expect), CONTRACT_CASE_TIMEOUT);
    }
  });
}
