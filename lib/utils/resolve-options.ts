import type { SessionStore } from '../contract/session-store';
import { SessionOptionsError } from '../errors';
import type { ResolvedDevicesOptions } from '../interfaces/devices-options.interface';
import type { SessionMetrics } from '../interfaces/session-metrics.interface';
import type { CookieFormat, SessionLimitMode, SessionModuleOptions, StoreErrorMode } from '../interfaces/session-options.interface';
import { isAttributeValue, isCookieName } from './cookie';
import { checkCookieRules } from './cookie-rules';
import { assertKnownKeys, COOKIE_OPTION_KEYS, OPTION_KEYS } from './option-names';
import { resolveCsrfOptions, type ResolvedCsrfOptions } from './resolve-csrf-options';

const DAY = 24 * 60 * 60 * 1000;

/** Options with every default applied and every value checked. */
export interface ResolvedSessionOptions {
  secrets: string[];
  store?: SessionStore;
  cookie: {
    name: string;
    domain?: string;
    path: string;
    httpOnly: true;
    secure: boolean | 'auto';
    sameSite: 'lax' | 'strict' | 'none' | false;
    partitioned: boolean;
  };
  permanent: boolean;
  lifetime: number;
  refreshEachRequest: boolean;
  idleTimeout: number;
  absoluteTimeout: number;
  cookieFormat: CookieFormat;
  storeTimeout: number;
  onStoreError: StoreErrorMode;
  maxSize: number;
  maxDepth: number;
  asyncContext: boolean;
  requestSession: boolean;
  userKey?: string;
  csrf: ResolvedCsrfOptions;
  /** `null` when turned off or without `userKey`. */
  devices: ResolvedDevicesOptions | null;
  maxSessionsPerUser?: number;
  onLimit: SessionLimitMode;
  metrics?: SessionMetrics;
}

/** Every default in one place, and every mistake reported at startup with what to change. */
export function resolveOptions(options: SessionModuleOptions): ResolvedSessionOptions {
  if (!options || typeof options !== 'object') throw new SessionOptionsError('SessionModule needs an options object with a `secret`.');
  assertKnownKeys(options, OPTION_KEYS);
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret;
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new SessionOptionsError('the `secret` option is missing: pass a random string of at least 32 characters (for example from process.env.SESSION_SECRET).');
  }
  secrets.forEach((secret, index) => {
    if (typeof secret !== 'string' || secret.length < 32) {
      throw new SessionOptionsError(
        `secret${secrets.length > 1 ? ` #${index + 1}` : ''} is ${typeof secret === 'string' ? `${secret.length} characters` : 'not a string'}; use at least 32 random characters (for example: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))").`,
      );
    }
  });

  const cookie = options.cookie ?? {};
  if (typeof cookie !== 'object' || cookie === null) throw new SessionOptionsError('the `cookie` option must be an object of cookie attributes.');
  assertKnownKeys(cookie, COOKIE_OPTION_KEYS, 'cookie.');
  const resolvedCookie: ResolvedSessionOptions['cookie'] = {
    name: cookie.name ?? 'session',
    domain: cookie.domain,
    path: cookie.path ?? '/',
    httpOnly: true,
    secure: cookie.secure ?? false,
    sameSite: cookie.sameSite ?? 'lax',
    partitioned: cookie.partitioned ?? false,
  };
  checkCookie(resolvedCookie, cookie.httpOnly);

  const resolved: ResolvedSessionOptions = {
    secrets,
    store: options.store,
    cookie: resolvedCookie,
    permanent: options.permanent ?? false,
    lifetime: options.lifetime ?? 31 * DAY,
    refreshEachRequest: options.refreshEachRequest ?? true,
    idleTimeout: options.idleTimeout ?? 0,
    absoluteTimeout: options.absoluteTimeout ?? 0,
    cookieFormat: options.cookieFormat ?? 'signed',
    storeTimeout: options.storeTimeout ?? 2000,
    onStoreError: options.onStoreError ?? 'fail',
    maxSize: options.maxSize ?? 64 * 1024,
    maxDepth: options.maxDepth ?? 32,
    asyncContext: options.asyncContext ?? false,
    requestSession: options.requestSession ?? false,
    userKey: options.userKey,
    csrf: resolveCsrfOptions(options.csrf, resolvedCookie.name),
    devices: resolveDevices(options),
    maxSessionsPerUser: options.maxSessionsPerUser,
    onLimit: options.onLimit ?? 'refuse',
    metrics: options.metrics,
  };
  positive('lifetime', resolved.lifetime);
  // Stores keep whole milliseconds (Redis's PEXPIRE refuses a fraction, such as one day / 7).
  resolved.lifetime = Math.ceil(resolved.lifetime);
  positive('storeTimeout', resolved.storeTimeout);
  positive('maxSize', resolved.maxSize);
  positive('maxDepth', resolved.maxDepth);
  nonNegative('idleTimeout', resolved.idleTimeout);
  nonNegative('absoluteTimeout', resolved.absoluteTimeout);
  if (!['signed', 'encrypted', 'flask'].includes(resolved.cookieFormat)) {
    throw new SessionOptionsError(`cookieFormat must be 'signed', 'encrypted' or 'flask', not ${JSON.stringify(resolved.cookieFormat)}.`);
  }
  if (!['fail', 'empty'].includes(resolved.onStoreError)) {
    throw new SessionOptionsError(`onStoreError must be 'fail' or 'empty', not ${JSON.stringify(resolved.onStoreError)}.`);
  }
  flag('permanent', resolved.permanent);
  flag('refreshEachRequest', resolved.refreshEachRequest);
  flag('asyncContext', resolved.asyncContext);
  flag('requestSession', resolved.requestSession);
  if (resolved.userKey !== undefined && (typeof resolved.userKey !== 'string' || !resolved.userKey)) {
    throw new SessionOptionsError('userKey must be the name of the session key that holds the user id.');
  }
  checkLimit(resolved);
  if (resolved.metrics !== undefined && (typeof resolved.metrics !== 'object' || resolved.metrics === null)) {
    throw new SessionOptionsError('metrics must be an object with the SessionMetrics methods you want called (for example new PromClientSessionMetrics(promClient)).');
  }
  return resolved;
}

function checkCookie(cookie: ResolvedSessionOptions['cookie'], httpOnly: boolean | undefined): void {
  if (httpOnly === false) {
    throw new SessionOptionsError(
      'cookie.httpOnly: false is refused: scripts must never read the session cookie. Keep data the page needs in a separate, non-session cookie or an API.',
    );
  }
  if (!isCookieName(cookie.name))
    throw new SessionOptionsError(`cookie.name ${JSON.stringify(cookie.name)} is not a valid cookie name (letters, digits and !#$%&'*+-.^_\`|~ only).`);
  if (!cookie.path.startsWith('/') || !isAttributeValue(cookie.path)) throw new SessionOptionsError(`cookie.path must start with "/" and hold no ";" or control characters.`);
  if (cookie.domain !== undefined && (!cookie.domain || !isAttributeValue(cookie.domain) || /\s/.test(cookie.domain))) {
    throw new SessionOptionsError(`cookie.domain ${JSON.stringify(cookie.domain)} is not a valid domain.`);
  }
  if (![true, false, 'auto'].includes(cookie.secure)) throw new SessionOptionsError(`cookie.secure must be true, false or 'auto'.`);
  if (!['lax', 'strict', 'none', false].includes(cookie.sameSite)) throw new SessionOptionsError(`cookie.sameSite must be 'lax', 'strict', 'none' or false.`);
  checkCookieRules(cookie);
}

function flag(name: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new SessionOptionsError(`${name} must be true or false, not ${JSON.stringify(value)}.`);
}

function positive(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new SessionOptionsError(`${name} must be a positive number, not ${JSON.stringify(value)}.`);
}

function nonNegative(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new SessionOptionsError(`${name} must be 0 (off) or a positive number of milliseconds, not ${JSON.stringify(value)}.`);
}

const DEVICES_KEYS = ['lastSeenInterval', 'userAgent', 'address', 'maxLength'];

function resolveDevices(options: SessionModuleOptions): ResolvedDevicesOptions | null {
  const devices = options.devices ?? {};
  if (devices === false) return null;
  if (typeof devices !== 'object' || devices === null) throw new SessionOptionsError('devices must be false or an object of device options.');
  assertKnownKeys(devices, DEVICES_KEYS, 'devices.');
  if (!options.userKey) {
    if (options.devices) throw new SessionOptionsError('the devices option needs userKey: only sessions of a known user are listed as devices.');
    return null;
  }
  const resolved: ResolvedDevicesOptions = {
    lastSeenInterval: devices.lastSeenInterval ?? 5 * 60 * 1000,
    userAgent: devices.userAgent ?? false,
    address: devices.address ?? false,
    maxLength: devices.maxLength ?? 256,
  };
  nonNegative('devices.lastSeenInterval', resolved.lastSeenInterval);
  positive('devices.maxLength', resolved.maxLength);
  flag('devices.userAgent', resolved.userAgent);
  flag('devices.address', resolved.address);
  return resolved;
}

function checkLimit(resolved: ResolvedSessionOptions): void {
  const max = resolved.maxSessionsPerUser;
  if (!['refuse', 'evict-oldest'].includes(resolved.onLimit)) {
    throw new SessionOptionsError(`onLimit must be 'refuse' or 'evict-oldest', not ${JSON.stringify(resolved.onLimit)}.`);
  }
  if (max === undefined) return;
  if (!Number.isInteger(max) || max < 1) throw new SessionOptionsError(`maxSessionsPerUser must be a whole number of at least 1, not ${JSON.stringify(max)}.`);
  if (!resolved.userKey) throw new SessionOptionsError('maxSessionsPerUser needs the userKey option: the limit counts the sessions of each user.');
}
