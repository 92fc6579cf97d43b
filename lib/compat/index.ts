export { createRequestSessionView, currentRequestSessionView } from './express-session-view';
export type { RequestSessionCompat, RequestSessionInfo, RequestSessionView, SessionCallback } from './express-session-view.interface';
export { installRequestSession } from './install-request-session';
export type { OpenRequestSession, RequestSessionHttpAdapter } from './install-request-session';
export { SessionCookieView } from './session-cookie-view';
export type { RequestSessionCookieInfo } from './session-cookie-view';
