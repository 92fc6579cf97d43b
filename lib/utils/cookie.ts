import { SessionArgumentError } from '../errors';

/** Cookie reading and writing, kept to what sessions need and strict about what it emits. */

/**
 * How many values of the session cookie are tried per request. Browsers send the same name more
 * than once when cookies exist for several paths or domains (two is common); an attacker can send
 * thousands, and each costs an HMAC per secret, so only the first few are considered. Browsers
 * send the most specific cookie (longest path) first.
 */
export const MAX_COOKIE_VALUES = 3;

/**
 * The first `limit` values sent for `name`, in header order; the caller tries each until one
 * verifies. One pass over the header with `indexOf`, no split into an array of every pair, and it
 * stops once `limit` values are found, so a header of 60,000 pairs costs one linear scan.
 */
export function readCookies(header: string | string[] | undefined, name: string, limit = MAX_COOKIE_VALUES): string[] {
  if (!header) return [];
  const text = Array.isArray(header) ? header.join('; ') : header;
  const values: string[] = [];
  let start = 0;
  // The next '=' at or after `start`, kept across pairs: searching afresh for each pair would scan
  // to the far end again and again in a header of pairs without '=' (quadratic).
  let eq = -1;
  while (start < text.length && values.length < limit) {
    let end = text.indexOf(';', start);
    if (end < 0) end = text.length;
    if (eq < start) eq = text.indexOf('=', start);
    if (eq < 0) break;
    if (eq < end && text.slice(start, eq).trim() === name) {
      let value = text.slice(eq + 1, end).trim();
      if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (value) values.push(value);
    }
    start = end + 1;
  }
  return values;
}

/** Attributes of one Set-Cookie header. */
export interface CookieAttributes {
  path: string;
  domain?: string;
  expires?: Date;
  /** Seconds; written with Expires (browsers prefer it, and it is immune to client clock skew). */
  maxAge?: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'lax' | 'strict' | 'none' | false;
  partitioned: boolean;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
const ATTRIBUTE_VALUE = /^[\x20-\x3A\x3C-\x7E]+$/;

/** True for a name that is a valid RFC 6265 cookie name. */
export function isCookieName(name: string): boolean {
  return TOKEN.test(name);
}

/** True for a path or domain that cannot break out of its attribute (no `;`, CR, LF). */
export function isAttributeValue(value: string): boolean {
  return ATTRIBUTE_VALUE.test(value);
}

/** One Set-Cookie header. Names and values are checked, so CR/LF or `;` can never be injected. */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  if (!isCookieName(name)) throw new SessionArgumentError(`invalid cookie name ${JSON.stringify(name)}`);
  if (!COOKIE_VALUE.test(value)) throw new SessionArgumentError('invalid cookie value');
  let header = `${name}=${value}; Path=${attributes.path}`;
  if (attributes.domain) header += `; Domain=${attributes.domain}`;
  if (attributes.expires) {
    const maxAge = attributes.maxAge ?? Math.max(0, Math.floor((attributes.expires.getTime() - Date.now()) / 1000));
    header += `; Expires=${attributes.expires.toUTCString()}; Max-Age=${maxAge}`;
  }
  if (attributes.httpOnly) header += '; HttpOnly';
  if (attributes.secure) header += '; Secure';
  if (attributes.partitioned) header += '; Partitioned';
  if (attributes.sameSite) header += `; SameSite=${attributes.sameSite[0].toUpperCase()}${attributes.sameSite.slice(1)}`;
  return header;
}

/** A Set-Cookie header that deletes the cookie: empty value, Expires in 1970, same scope and flags. */
export function serializeDeletion(name: string, attributes: CookieAttributes): string {
  return serializeCookie(name, '', { ...attributes, expires: undefined, maxAge: undefined }).replace(
    `; Path=${attributes.path}`,
    `; Path=${attributes.path}; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0`,
  );
}
