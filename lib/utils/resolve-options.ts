import { resolveCsrfOptions, type ResolvedCsrfOptions } from '../csrf/resolve-csrf-options';
import { SessionOptionsError } from '../errors';
import type { CookieFormat, SessionModuleOptions, StoreErrorMode } from '../interfaces/session-options.interface';
import type { SessionStore } from '../stores/session-store';
import { isAttributeValue, isCookieName } from './cookie';
import { checkCookieRules } from './cookie-rules';
import { assertKnownKeys, COOKIE_OPTION_KEYS, OPTION_KEYS } from './option-names';

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
  };
  positive('lifetime', resolved.lifetime);
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
