// nest-session/testing: the contract suite a store author runs over a store, from vitest or jest
// (docs/writing-a-store.md). The helpers a store is built with (BaseSessionStore, mergeChangeSet,
// KeyedMutex, checkSessionId) are in 'nest-session' itself: a store needs them in production,
// where nothing should load a testing entry. This entry imports no test framework.
export { newSessionId, storeWrite, type ContractCase } from './contract-case';
export { CONTRACT_CASE_TIMEOUT, runStoreContract, type StoreHarness } from './store-contract';
export type { ContractExpectation, ContractTestApi } from './test-api';
