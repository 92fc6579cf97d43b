import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { catchError, concatMap, defer, from, Observable, of, switchMap, throwError } from 'rxjs';
import { USES_SESSION } from '../decorators/session.decorator';
import { attachRequestSession, requestContext, RequestSession } from '../session/request-session';
import { SessionManager } from '../session/session-manager';

/**
 * Flask's request cycle for sessions, registered globally by SessionModule: opens the session
 * before the handler when the handler asks for it, runs the handler in the session context, and
 * saves the session before the response is written, also when the handler throws (the exception
 * filter writes the error response after this save).
 */
@Injectable()
export class SessionInterceptor implements NestInterceptor {
  private readonly logger = new Logger('SessionModule');

  constructor(@Inject(SessionManager) private readonly manager: SessionManager) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const state = attachRequestSession(this.manager, http.getRequest(), http.getResponse());
    // The middleware normally entered the request's context already; enter it only if not.
    const handled =
      !this.manager.options.asyncContext || requestContext.getStore() === state ? next.handle() : inContext(state, next.handle());
    const saved = handled.pipe(
      catchError((error: unknown) => defer(() => this.commitAfterError(state)).pipe(switchMap(() => throwError(() => error)))),
      concatMap((value) => (state.session ? state.commit().then(() => value) : of(value))),
    );
    // Only a handler with a @Session() parameter needs the session opened before it runs; for the
    // others it opens on first use, and most routes never use it: they pay no store call.
    if (Reflect.getMetadata(USES_SESSION, context.getHandler()) !== true) return saved;
    return from(state.load()).pipe(switchMap(() => saved));
  }

  /** The handler's error is what the client must see; a failed save is logged next to it. */
  private async commitAfterError(state: RequestSession): Promise<void> {
    try {
      await state.commit();
    } catch (error) {
      this.logger.error(`session not saved after a failed request: ${(error as Error).message}`);
    }
  }
}

/** Subscribes inside the request's context, so code the handler calls sees its session. */
function inContext<T>(state: RequestSession, source: Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => requestContext.run(state, () => source.subscribe(subscriber)));
}
