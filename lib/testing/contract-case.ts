import { randomBytes } from 'node:crypto';
import type { SessionStore, SessionWrite, StoredData } from '../contract/session-store';
import type { ContractExpectation } from './test-api';

/** One case of the contract: a title and what it asserts, through the store's public methods only. */
export interface ContractCase {
  name: string;
  run: (store: SessionStore, expect: (actual: unknown) => ContractExpectation) => Promise<void>;
}

/** A fresh, valid session id: 32 random bytes, base64url (43 characters), as the module makes them. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** A patch (`create: false`) of `set`, saved now with a one-day ttl; `extra` overrides any field. */
export function storeWrite(set: StoredData, extra: Partial<SessionWrite> = {}): SessionWrite {
  const now = Date.now();
  return { create: false, set, unset: [], createdAt: now, touchedAt: now, ttl: 24 * 60 * 60 * 1000, ...extra };
}
