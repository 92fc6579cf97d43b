import type { CookieFormat, SessionStore } from '../../lib';
import { describeTarget, STORE_TARGETS } from '../stores/harnesses/registry';

/** One store (or cookie format) the hostile corpus runs against. */
export interface HostileTarget {
  name: string;
  serverSide: boolean;
  cookieFormat?: CookieFormat;
  describe: typeof describe.skip;
  open(): Promise<{ store?: SessionStore; cleanup: () => Promise<void> }>;
}

const cookieOnly = async () => ({ cleanup: async () => undefined });

/** Every cookie format and every server-side store on each backend. */
export const HOSTILE_TARGETS: HostileTarget[] = [
  { name: 'cookie (signed)', serverSide: false, describe, open: cookieOnly },
  { name: 'cookie (encrypted)', serverSide: false, cookieFormat: 'encrypted', describe, open: cookieOnly },
  { name: 'cookie (flask)', serverSide: false, cookieFormat: 'flask', describe, open: cookieOnly },
  ...STORE_TARGETS.map((target) => ({ name: target.name, serverSide: true, describe: describeTarget(target), open: target.open })),
];
