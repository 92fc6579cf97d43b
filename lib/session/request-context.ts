import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestSession } from './request-session';

/**
 * The request in progress, for code that has no request at hand (Flask's global `session`),
 * when the `asyncContext` option is on. Off by default: AsyncLocalStorage costs every request
 * that enters it, session or not.
 */
export const requestContext = new AsyncLocalStorage<RequestSession>();
