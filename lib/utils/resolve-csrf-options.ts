import { SessionOptionsError } from '../errors';
import type { CsrfOptions } from '../interfaces/csrf-options.interface';
import { isCookieName } from './cookie';
import { assertKnownKeys } from './option-names';

/** The `csrf` option with every default applied and every value checked. */
export interface ResolvedCsrfOptions {
  /** The global check is on (every unsafe request of every route). */
  global: boolean;
  fieldName: string;
  headerNames: string[];
  maxAge: number;
  /** Name of the readable token cookie, when it is on. */
  cookieName?: string;
  /** Name of the token response header, when it is on. */
  headerName?: string;
}

const CSRF_OPTION_KEYS = ['global', 'fieldName', 'headerNames', 'maxAge', 'cookie', 'header'];
/** RFC 9110 token characters: what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * `csrf: true` is `{}`; `false` or absent leaves the global check off while `CsrfGuard` and
 * `csrfToken()` still work with the defaults.
 */
export function resolveCsrfOptions(option: boolean | CsrfOptions | undefined, sessionCookieName: string): ResolvedCsrfOptions {
  if (option !== undefined && typeof option !== 'boolean' && (typeof option !== 'object' || option === null)) {
    throw new SessionOptionsError('csrf must be true, false or an object of CSRF options.');
  }
  const options: CsrfOptions = typeof option === 'object' ? option : {};
  assertKnownKeys(options, CSRF_OPTION_KEYS, 'csrf.');
  const resolved: ResolvedCsrfOptions = {
    global: option === undefined || option === false ? false : (options.global ?? true),
    fieldName: options.fieldName ?? 'csrf_token',
    headerNames: options.headerNames ?? ['x-csrf-token', 'x-csrftoken', 'x-xsrf-token'],
    maxAge: options.maxAge ?? 0,
    cookieName: options.cookie ? (typeof options.cookie === 'object' ? (options.cookie.name ?? 'XSRF-TOKEN') : 'XSRF-TOKEN') : undefined,
    headerName: options.header ? (typeof options.header === 'string' ? options.header : 'X-CSRF-Token') : undefined,
  };
  if (typeof resolved.global !== 'boolean') throw new SessionOptionsError('csrf.global must be true or false.');
  if (typeof resolved.fieldName !== 'string' || !resolved.fieldName) throw new SessionOptionsError('csrf.fieldName must be a non-empty string.');
  if (!Array.isArray(resolved.headerNames) || !resolved.headerNames.every((name) => typeof name === 'string' && HEADER_NAME.test(name))) {
    throw new SessionOptionsError("csrf.headerNames must be an array of header names, e.g. ['x-csrf-token'].");
  }
  resolved.headerNames = resolved.headerNames.map((name) => name.toLowerCase());
  if (typeof resolved.maxAge !== 'number' || !Number.isFinite(resolved.maxAge) || resolved.maxAge < 0) {
    throw new SessionOptionsError('csrf.maxAge must be 0 (no limit) or a positive number of milliseconds.');
  }
  if (options.cookie !== undefined && typeof options.cookie === 'object') assertKnownKeys(options.cookie, ['name'], 'csrf.cookie.');
  if (resolved.cookieName !== undefined && (!isCookieName(resolved.cookieName) || resolved.cookieName === sessionCookieName)) {
    throw new SessionOptionsError(`csrf.cookie.name ${JSON.stringify(resolved.cookieName)} must be a valid cookie name other than the session cookie's.`);
  }
  if (resolved.headerName !== undefined && !HEADER_NAME.test(resolved.headerName)) {
    throw new SessionOptionsError(`csrf.header ${JSON.stringify(resolved.headerName)} is not a valid header name.`);
  }
  return resolved;
}
