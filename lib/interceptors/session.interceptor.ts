import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { USES_SESSION } from '../decorators/session.decorator';
import { requestContext } from '../session/request-context';
import { RequestSession, type SessionRuntime } from '../session/request-session';
import { SESSION_RUNTIME } from '../session.constants';
import { sessionCycle } from './session-cycle';

/**
 * Flask's request cycle for sessions, registered globally by SessionModule: opens the session
 * before the handler when the handler asks for it with `@Session()`, and saves it before the
 * response is written, also when the handler throws (the exception filter writes the error
 * response after this save). Routes that never touch the session pay for one metadata lookup
 * (cached per handler) and one property read: no state, no promise, no store call.
 */
@Injectable()
export class SessionInterceptor implements NestInterceptor {
  private readonly logger = new Logger('SessionModule');
  private readonly preloads = new WeakMap<object, boolean>();

  constructor(@Inject(SESSION_RUNTIME) private readonly runtime: SessionRuntime) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest();
    const response = http.getResponse();
    const cycle = { runtime: this.runtime, request, response, logger: this.logger };
    const preload = this.preloads.get(context.getHandler()) ?? this.usesSession(context.getHandler());
    const asyncContext = this.runtime.sessions.options.asyncContext;
    if (!preload && !asyncContext) return sessionCycle(next.handle(), cycle);

    const state = RequestSession.attach(this.runtime, request, response);
    // Nest binds the handler to the async context current when handle() is called: call it inside ours.
    const handled = asyncContext ? requestContext.run(state, () => next.handle()) : next.handle();
    return sessionCycle(handled, cycle, preload ? state.load() : undefined);
  }

  /** Only a handler with a `@Session()` parameter needs the session opened before it runs. */
  private usesSession(handler: object): boolean {
    const uses = Reflect.getMetadata(USES_SESSION, handler) === true;
    this.preloads.set(handler, uses);
    return uses;
  }
}
