import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { attachRequestSession, requestContext } from './session/request-session';
import { SessionManager } from './session/session-manager';

/**
 * Opens the request's session context before guards run, so that guards and the providers they
 * call can reach the session. It reads nothing: the session is opened on first use.
 */
@Injectable()
export class SessionContextMiddleware implements NestMiddleware {
  constructor(@Inject(SessionManager) private readonly manager: SessionManager) {}

  use(request: unknown, response: unknown, next: () => void): void {
    requestContext.run(attachRequestSession(this.manager, request, response), next);
  }
}
