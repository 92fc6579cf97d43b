import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';

/** Thrown by shop handlers when nobody is logged in. */
export class LoginRequired extends Error {}

/**
 * Sends anonymous visitors to the login page, like Flask's `redirect(url_for('login'))`.
 * An exception rather than `@Res()`, so handlers keep returning HTML and nest-session keeps
 * saving the session for them (it saves before exception filters write the response).
 */
@Catch(LoginRequired)
export class LoginRequiredFilter implements ExceptionFilter {
  catch(_error: LoginRequired, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().redirect(303, '/login');
  }
}
