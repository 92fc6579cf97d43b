import { USES_SESSION } from '../decorators/session.decorator';

/** Where Nest keeps a handler's built-in parameter decorators (`@Body()`, `@Session()`, …). */
const ROUTE_ARGS_METADATA = '__routeArguments__';
/** Where `@Sse()` marks its handlers (`SSE_METADATA` of @nestjs/common). */
const SSE_METADATA = '__sse__';
/** `RouteParamtypes.SESSION` of @nestjs/common (not exported): Nest's own `@Session()`. */
const NEST_SESSION_PARAM = 7;

/** What the interceptor needs to know about a handler, read once from its metadata. */
export interface HandlerPlan {
  /** A `@Session()` parameter of ours: open the session before the handler runs. */
  readonly preload: boolean;
  /** A `@Session()` parameter of `@nestjs/common`, which reads `req.session`. */
  readonly nestSession: boolean;
  /** An `@Sse()` route, whose headers leave before the first event. */
  readonly eventStream: boolean;
}

/** Reads the plan of a handler of a controller class. */
export function planHandler(controller: object, handler: { readonly name: string }): HandlerPlan {
  const args: Record<string, unknown> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {};
  return {
    preload: Reflect.getMetadata(USES_SESSION, handler) === true,
    nestSession: Object.keys(args).some((key) => key.startsWith(`${NEST_SESSION_PARAM}:`)),
    eventStream: Reflect.getMetadata(SSE_METADATA, handler) === true,
  };
}
