import type { IncomingMessage, ServerResponse } from 'node:http';
import { readCookies } from './cookie';

/**
 * The few request and response operations sessions need, on both Nest platforms. Express hands
 * out Node's own objects (extended); Fastify hands out `FastifyRequest`/`FastifyReply`, whose
 * `raw` are Node's. Headers are set through the platform's own API so that its own header handling
 * (Fastify keeps reply headers apart until it sends) sees them.
 */

// The platform objects are typed loosely on purpose: neither platform is a dependency of the core.

export type PlatformRequest = any;
export type PlatformResponse = any;

/** Node's request under either platform's request object; the key of per-request state. */
export function rawRequest(request: PlatformRequest): IncomingMessage {
  return (request.raw ?? request) as IncomingMessage;
}

export function isFastifyReply(response: PlatformResponse): boolean {
  return response.raw !== undefined && typeof response.removeHeader === 'function' && typeof response.code === 'function';
}

/** The values of one cookie the request carried (see readCookies for how many). */
export function requestCookies(request: PlatformRequest, name: string): string[] {
  return readCookies(rawRequest(request).headers.cookie, name);
}

/** HTTPS as the platform sees it, honouring its trusted-proxy setting. */
export function isSecureRequest(request: PlatformRequest): boolean {
  return request.secure === true || request.protocol === 'https';
}

export function headersSent(response: PlatformResponse): boolean {
  return ((response.raw ?? response) as ServerResponse).headersSent;
}

export function getHeader(response: PlatformResponse, name: string): string | string[] | undefined {
  const value = response.getHeader(name) as string | number | string[] | undefined;
  return typeof value === 'number' ? String(value) : value;
}

/**
 * Sets a header. `current` is its value as read just before (`undefined`: not set), so a header
 * the response does not have yet costs one call: Fastify's `header()` appends to a Set-Cookie
 * already there, so only an existing one is removed first.
 */
export function setHeader(response: PlatformResponse, name: string, value: string | string[], current?: string | string[]): void {
  if (isFastifyReply(response)) {
    if (current !== undefined) response.removeHeader(name);
    response.header(name, value);
  } else {
    response.setHeader(name, value);
  }
}

/** Replaces this cookie's Set-Cookie (a second save in one request must not send two). */
export function setCookieHeader(response: PlatformResponse, name: string, header: string): void {
  const current = getHeader(response, 'set-cookie');
  if (current === undefined) {
    setHeader(response, 'set-cookie', header);
    return;
  }
  const others = (Array.isArray(current) ? current : [current]).filter((h) => !h.startsWith(`${name}=`));
  setHeader(response, 'set-cookie', [...others, header], current);
}

/** Adds `Cookie` to `Vary`, keeping what is there. */
export function varyOnCookie(response: PlatformResponse): void {
  const current = getHeader(response, 'vary');
  if (current === undefined) {
    setHeader(response, 'vary', 'Cookie');
    return;
  }
  const text = Array.isArray(current) ? current.join(', ') : current;
  const tokens = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (tokens.some((t) => t === '*' || t.toLowerCase() === 'cookie')) return;
  setHeader(response, 'vary', [...tokens, 'Cookie'].join(', '), current);
}

/**
 * A response that sets a session cookie must never be kept by a shared cache, or the next user
 * of that cache would receive the cookie. `private` says so; `public` and `s-maxage` are dropped.
 */
export function keepOutOfSharedCaches(response: PlatformResponse): void {
  const current = getHeader(response, 'cache-control');
  if (current === undefined) {
    setHeader(response, 'cache-control', 'private');
    return;
  }
  const text = Array.isArray(current) ? current.join(', ') : current;
  const directives = text
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d && !/^(public|s-maxage=.*)$/i.test(d));
  if (directives.some((d) => /^(private|no-store)$/i.test(d))) {
    if (directives.length !== text.split(',').filter((d) => d.trim()).length) setHeader(response, 'cache-control', directives.join(', '), current);
    return;
  }
  setHeader(response, 'cache-control', ['private', ...directives].join(', '), current);
}
