// The public API of nest-session, listed on purpose.
export * from './codecs/codec.interface';
export { FlaskCookieCodec } from './codecs/flask-cookie.codec';
export { FlaskTaggedJsonCodec, FlaskTuple, FlaskUuid, Markup } from './codecs/flask-tagged-json.codec';
export { EncryptedCookieCodec, SignedCookieCodec } from './codecs/signed-cookie.codec';
export { TaggedJsonCodec } from './codecs/tagged-json.codec';
export { Session } from './decorators/session.decorator';
export * from './errors';
export * from './interfaces/session-options.interface';
export type { FlashedMessagesOptions, SessionKey } from './interfaces/session.interface';
export { SessionInterceptor } from './interceptors/session.interceptor';
export { SessionModule } from './session.module';
export { SESSION_MODULE_OPTIONS } from './session.module-definition';
export { SessionService, type DestroyUserSessionsOptions } from './session.service';
export { CookieSessionStore } from './stores/cookie-session.store';
export * from './stores/memory-session.store';
export { RedisSessionStore, type RedisSessionStoreOptions } from './stores/redis-session.store';
export * from './stores/typeorm';
export * from './stores/session-store';
