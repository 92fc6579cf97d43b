// The public API of nest-session, listed on purpose.
import './supported-node.check';
export * from './codecs/codec.interface';
export { FlaskCookieCodec } from './codecs/flask-cookie.codec';
export { FlaskTaggedJsonCodec, FlaskTuple, FlaskUuid, Markup } from './codecs/flask-tagged-json.codec';
export { EncryptedCookieCodec, SignedCookieCodec } from './codecs/signed-cookie.codec';
export { TaggedJsonCodec } from './codecs/tagged-json.codec';
export type { RequestSessionView, SessionCallback } from './compat';
export { Session } from './decorators/session.decorator';
export * from './errors';
export * from './interfaces/session-options.interface';
export type { FlashedMessagesOptions, SessionKey } from './interfaces/session.interface';
export { SessionInterceptor } from './interceptors/session.interceptor';
export { SessionModule } from './session.module';
export { SESSION_MODULE_OPTIONS } from './session.module-definition';
export { SessionService, type DestroyUserSessionsOptions } from './session.service';
export { FileSessionStore, type FileSessionStoreOptions } from './stores/file';
export { MemcachedSessionStore, type MemcachedClientLike, type MemcachedClientOptions, type MemcachedSessionStoreOptions } from './stores/memcached';
export * from './stores/memory';
export {
  MongoSessionStore,
  type MongoClientOptionsLike,
  type MongoCollectionLike,
  type MongoDbLike,
  type MongoSessionDocument,
  type MongoSessionStoreOptions,
} from './stores/mongo';
export { RedisSessionStore, type RedisClientLike, type RedisConnectionOptions, type RedisSessionStoreOptions } from './stores/redis';
export * from './stores/typeorm';
export * from './stores/session-store';
