import { Controller, Get, Header, Post, Query, Redirect, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, UnauthorizedException } from '@nestjs/common';
import { Session } from 'nest-session';
import { html } from '../shop/html';
import { csrfField } from '../shop/shop.view';
import { LocalAuthGuard } from './local-auth.guard';
import { DEMO_PASSWORD } from './passport-login.strategy';

/** A failed login goes back to the form; it writes nothing to the session. */
@Catch(UnauthorizedException)
class LoginFailedFilter implements ExceptionFilter {
  catch(_error: UnauthorizedException, host: ArgumentsHost): void {
    host.switchToHttp().getResponse().redirect(303, '/login?failed=1');
  }
}

const page = (title: string, body: unknown) =>
  html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
      </head>
      <body style="font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto">
        <h1>${title}</h1>
        ${body}
      </body>
    </html>`.value;

/**
 * Written the way an express-session + Passport app is written: `req.user`, `req.logout()` and
 * `req.session` (here nest-session's session, so its `getFlashedMessages()` works on it too).
 * `req.session.flash` is a data key, as connect-flash needs it; nest-session's `flash()` is on
 * the `@Session()` object.
 */
@Controller()
export class AccountController {
  @Get('login')
  @Header('Content-Type', 'text/html; charset=utf-8')
  loginForm(@Req() request: any, @Query('failed') failed?: string): string {
    const messages = request.session.getFlashedMessages() as string[];
    return page(
      'Log in',
      html`${messages.map((message) => html`<p>${message}</p>`)} ${failed ? html`<p role="alert">Wrong username or password.</p>` : ''}
        <form method="post" action="/login">
          ${csrfField(request.session.csrfToken() as string)}
          <label>Username <input name="username" autocomplete="username" /></label>
          <label>Password <input name="password" type="password" autocomplete="current-password" /></label>
          <button>Log in</button>
        </form>
        <p>Any username works with the password <code>${DEMO_PASSWORD}</code>.</p>`,
    );
  }

  @Post('login')
  @UseGuards(LocalAuthGuard)
  @UseFilters(LoginFailedFilter)
  @Redirect('/', 303)
  login(): void {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  home(@Req() request: any, @Res({ passthrough: true }) response: any): string | undefined {
    if (!request.user) return response.redirect(303, '/login');
    request.session.visits = (request.session.visits ?? 0) + 1;
    return page(
      `Hello, ${request.user.name}`,
      html`<p>Visits since you logged in: ${request.session.visits}</p>
        <form method="post" action="/logout">${csrfField(request.session.csrfToken() as string)}<button>Log out</button></form>`,
    );
  }

  @Post('logout')
  @Redirect('/login', 303)
  async logout(@Req() request: any, @Session() session: Session): Promise<void> {
    await new Promise<void>((resolve, reject) => request.logout((error?: unknown) => (error ? reject(error) : resolve())));
    session.flash('You have been logged out.');
  }
}
