import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { SessionContextError } from '../errors';
import { requestContext } from '../session/request-context';
import { RequestSession } from '../session/request-session';
import { SessionInterface } from '../session/session-interface';
import { graphqlCycle } from './graphql-cycle';
import { planHandler, type HandlerPlan } from './handler-plan';
import { sessionCycle } from './session-cycle';
import { socketCycle } from './socket-cycle';

/**
 * Flask's request cycle for sessions, registered globally by SessionModule: opens the session
 * before the handler when the handler asks for it with `@Session()`, and saves it before the
 * response is written, also when the handler throws (the exception filter writes the error
 * response after this save). Routes that never touch the session pay for one metadata lookup
 * (cached per handler) and one property read: no state, no promise, no store call.
 * GraphQL resolvers share their HTTP request's session, saved once before its response; gateway
 * messages read theirs anew from the handshake's cookie; RPC handlers pass through.
 */
@Injectable()
export class SessionInterceptor implements NestInterceptor {
  private readonly logger = new Logger('SessionModule');
  private readonly plans = new WeakMap<object, HandlerPlan>();

  constructor(private readonly sessions: SessionInterface) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const type = context.getType<string>();
    if (type === 'http') return this.http(context, next);
    // Other transports: GraphQL resolvers and gateway messages; microservice (RPC) handlers have no session.
    if (type === 'graphql') return graphqlCycle(context, next, this.sessions, this.planOf(context).preload);
    if (type === 'ws') return socketCycle(context, next, this.sessions, this.planOf(context).preload, this.logger);
    return next.handle();
  }

  private http(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    // What switchToHttp() returns, without the three closures it makes on every call: Nest passes
    // an HTTP handler's context the platform's request and response as its first two arguments.
    const request = context.getArgByIndex(0);
    const response = context.getArgByIndex(1);
    const cycle = { sessions: this.sessions, request, response, logger: this.logger };
    const plan = this.planOf(context);
    if (plan.nestSession && request.session === undefined) throw new SessionContextError(NEST_SESSION_HINT);
    if (plan.eventStream) RequestSession.attach(this.sessions, request, response).eventStream = true;
    const preload = plan.preload;
    const asyncContext = this.sessions.options.asyncContext;
    if (!preload && !asyncContext) return sessionCycle(next.handle(), cycle);

    const state = RequestSession.attach(this.sessions, request, response);
    // Nest binds the handler to the async context current when handle() is called: call it inside ours.
    const handled = asyncContext ? requestContext.run(state, () => next.handle()) : next.handle();
    return sessionCycle(handled, cycle, preload ? state.load() : undefined);
  }

  private planOf(context: ExecutionContext): HandlerPlan {
    const handler = context.getHandler();
    let plan = this.plans.get(handler);
    if (!plan) this.plans.set(handler, (plan = planHandler(context.getClass(), handler)));
    return plan;
  }
}

const NEST_SESSION_HINT =
  "this handler uses @Session() from '@nestjs/common', which reads req.session, and req.session is not set. Import { Session } from 'nest-session' instead, or set requestSession: true in SessionModule.forRoot() to expose the session as req.session.";
