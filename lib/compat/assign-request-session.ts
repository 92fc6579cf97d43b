import { SessionDataError } from '../errors';
import { currentRequestSessionView } from './express-session-view';
import type { RequestSessionView } from './express-session-view.interface';

/**
 * `req.session = value`, as cookie-session defines it (express-session has no such idiom):
 * - `null` or `undefined` logs out: every key goes, so the save deletes the stored record and the
 *   cookie (Flask's emptied-session rule), and `req.session` reads as the empty session after;
 * - the view itself (`req.session = req.session`) changes nothing;
 * - a plain object replaces the data with its keys;
 * - anything else is refused, so a typo never silently loses the session.
 */
export function assignRequestSession(view: RequestSessionView, value: unknown): void {
  if (value === null || value === undefined) {
    view.clear();
    return;
  }
  if (typeof value === 'object' && currentRequestSessionView(value) === view) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new SessionDataError(`req.session can be assigned null (log out) or an object of data, not ${Array.isArray(value) ? 'an array' : `a ${typeof value}`}.`);
  }
  const entries = Object.entries(value);
  view.clear();
  for (const [key, item] of entries) view.set(key, item);
}
