// The shipped stores' specs run the contract suite that nest-session/testing publishes, the one
// a store author runs (docs/writing-a-store.md), under the short names they have always used.
export { newSessionId as newId, runStoreContract, storeWrite as write, type StoreHarness } from 'nest-session/testing';
