// The public API of nest-session, listed on purpose; docs/api.md says where each export is
// documented (a test keeps the two in step).
//
// Not exported, on purpose: the cookie and value codecs (the format is chosen with the
// `cookieFormat` option, and no option accepts a codec, so they would only freeze the wire
// classes as API) and SessionInterceptor (SessionModule registers it globally; applying it again
// with @UseInterceptors would run a second session cycle on the route).
import './supported-node.check';
export { FlaskTuple, FlaskUuid, Markup } from './codecs/flask-python-types';
export type { RequestSessionView, SessionCallback } from './compat';
export { CsrfGuard } from './csrf/csrf.guard';
export { SkipCsrf } from './csrf/skip-csrf.decorator';
export { Session } from './decorators/session.decorator';
export type { SessionDevice, SessionDevicesOptions } from './interfaces/devices-options.interface';
export * from './errors';
export * from './events/session-event.interface';
export { SessionEvents, type EventEmitterLike, type SessionEventListener } from './events/session-events';
export * from './interfaces/csrf-options.interface';
export * from './interfaces/session-options.interface';
export type { FlashedMessagesOptions, SessionKey } from './interfaces/session.interface';
export type { SessionMetrics, SessionOpenedEvent, SessionSavedEvent, StoreCallEvent } from './interfaces/session-metrics.interface';
export { SessionHealthIndicator, type SessionHealthResult } from './health/session-health.indicator';
export { PromClientSessionMetrics, type PromClientLike, type PromClientSessionMetricsOptions } from './metrics/prom-client.metrics';
export { SessionModule } from './session.module';
export { SESSION_MODULE_OPTIONS } from './session.module-definition';
export { SessionService, type DestroyUserSessionsOptions, type UserId } from './session.service';
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
export * from './stores/shared';
export { RedisSessionStore, type RedisClientLike, type RedisConnectionOptions, type RedisMetadataLayout, type RedisSessionStoreOptions } from './stores/redis';
export * from './stores/typeorm';
export * from './contract/session-store';
export { keepUpgradeRequest, type ConnectingAdapter } from './transports/socket-request';
