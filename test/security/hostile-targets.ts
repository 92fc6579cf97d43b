import { MemorySessionStore, type CookieFormat, type SessionStore } from '../../lib';
import { describeWith, type ServiceName } from '../setup/services';

/** One store (or cookie format) the hostile corpus runs against. */
export interface HostileTarget {
  name: string;
  serverSide: boolean;
  cookieFormat?: CookieFormat;
  describe: jest.Describe;
  open(): Promise<{ store?: SessionStore; cleanup: () => Promise<void> }>;
}

const none = async () => undefined;
const needs = (...services: ServiceName[]) => describeWith(services);

export const HOSTILE_TARGETS: HostileTarget[] = [
  { name: 'cookie (signed)', serverSide: false, describe, open: async () => ({ cleanup: none }) },
  { name: 'cookie (encrypted)', serverSide: false, cookieFormat: 'encrypted', describe, open: async () => ({ cleanup: none }) },
  { name: 'memory', serverSide: true, describe, open: async () => ({ store: new MemorySessionStore(), cleanup: none }) },
];
void needs;
