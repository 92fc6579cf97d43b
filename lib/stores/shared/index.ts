// The kit every store is built with, the shipped ones and yours, exported from 'nest-session'
// as it stands here (docs/writing-a-store.md). The contract suite that checks a store is in
// 'nest-session/testing'. The other files of this folder serve the shipped stores only.
export { BaseSessionStore } from './base-session.store';
export { KeyedMutex } from './keyed-mutex';
export { mergeChangeSet } from './merge-change-set';
export { checkSessionId } from './session-id';
