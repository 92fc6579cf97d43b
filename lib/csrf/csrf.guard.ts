import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CsrfRejectedError } from '../errors/csrf-rejected.error';
import { RequestSession } from '../session/request-session';
import { SessionInterface } from '../session/session-interface';
import * as http from '../utils/http';
import { csrfTarget, submittedToken } from './csrf-request';
import { SKIP_CSRF } from './skip-csrf.decorator';

/** Requests that already passed (a global and a route guard, several mutation fields): checked once. */
const verified = new WeakSet();

/**
 * Checks the CSRF token of requests with an unsafe method: `@UseGuards(CsrfGuard)` on a route or
 * controller, or on every route with the `csrf` option (which registers it globally). Guards run
 * before interceptors, so it opens the session itself, as `SessionService.fromContext()` does;
 * the interceptor then saves that same session. A refusal is a 403 (`CsrfRejectedError`) thrown
 * before the handler: the session is not written, and a missing or malformed token is refused
 * without even reading the store.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionInterface,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const target = csrfTarget(context);
    if (!target || verified.has(http.rawRequest(target.request))) return true;
    if (this.reflector.getAllAndOverride<boolean | undefined>(SKIP_CSRF, [context.getHandler(), context.getClass()])) return true;
    const { request, response } = target;
    const { csrf, events, options } = this.sessions;
    const token = submittedToken(request, options.csrf);
    let failure = csrf.shape(token);
    if (!failure) {
      const state = RequestSession.find(request) ?? RequestSession.attach(this.sessions, request, response);
      failure = await state.checkCsrf(token);
    }
    if (!failure) {
      verified.add(http.rawRequest(request));
      return true;
    }
    const reason = failure;
    events.emit('csrf.rejected', () => ({ reason, method: String(request.method), url: String(request.url), request }));
    throw new CsrfRejectedError(reason);
  }
}
