import { Controller, Get, HttpCode, Inject, Injectable, Param, Post, Req, Session as NestSession, UseGuards } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Session } from '../../lib';

/** The users of the fixture apps; passwords in clear because they are test fixtures. */
export const USERS = [
  { id: 1, username: 'alice', password: 'alice-password' },
  { id: 2, username: 'bob', password: 'bob-password' },
];

export function findUser(username: string, password: string): { id: number; username: string } | null {
  const user = USERS.find((candidate) => candidate.username === username && candidate.password === password);
  return user ? { id: user.id, username: user.username } : null;
}

export function userById(id: unknown): { id: number; username: string } | null {
  const user = USERS.find((candidate) => candidate.id === id);
  return user ? { id: user.id, username: user.username } : null;
}

/** The platform's login guard (Passport's AuthGuard on Express, @fastify/passport on Fastify). */
export const PLATFORM_LOGIN = Symbol('platform-login');

@Injectable()
export class LoginGuard implements CanActivate {
  constructor(@Inject(PLATFORM_LOGIN) private readonly login: CanActivate) {}

  canActivate(context: ExecutionContext) {
    return this.login.canActivate(context);
  }
}

/** Express Passport takes a callback; @fastify/passport returns a promise. */
function logout(request: any): Promise<void> {
  return new Promise((resolve, reject) => {
    const returned = request.logout((error?: unknown) => (error ? reject(error) : resolve()));
    if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
  });
}

/** Passport's logIn with options: a callback on Express, a promise from @fastify/passport. */
function logIn(request: any, user: unknown, options: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const returned = request.logIn(user, options, (error?: unknown) => (error ? reject(error) : resolve()));
    if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
  });
}

/** Routes written the way express-session apps write them: `req.session`, `req.user`. */
@Controller()
export class AuthController {
  @Post('visit')
  @HttpCode(200)
  visit(@Req() request: any) {
    request.session.visited = true;
    return { id: request.session.id };
  }

  @Post('login')
  @HttpCode(200)
  @UseGuards(LoginGuard)
  login(@Req() request: any) {
    return { user: request.user, id: request.session.id, data: { ...request.session } };
  }

  /** A CSRF token of the session (for the apps built with the csrf option). */
  @Get('csrf')
  csrf(@Req() request: any) {
    return { token: request.session.csrfToken() };
  }

  @Get('me')
  me(@Req() request: any) {
    return { user: request.user ?? null, id: request.session.id, data: { ...request.session } };
  }

  @Post('logout')
  @HttpCode(200)
  async logout(@Req() request: any) {
    await logout(request);
    return { user: request.user ?? null, data: { ...request.session } };
  }

  /** Nest's own `@Session()` (req.session) and nest-session's `@Session()`, side by side. */
  @Post('both')
  @HttpCode(200)
  both(@NestSession() nest: Record<string, any>, @Session() ours: Session) {
    nest.viaNest = (nest.viaNest ?? 0) + 1;
    ours.set('viaOurs', (ours.get('viaOurs') ?? 0) + 1);
    return { oursSeesNest: ours.get('viaNest'), nestSeesOurs: nest.viaOurs, sameId: nest.id === ours.id };
  }

  /** Passport's keepSessionInfo: the new session gets the keys of the old one. */
  @Post('login-keep')
  @HttpCode(200)
  async loginKeep(@Req() request: any) {
    await logIn(request, findUser('bob', 'bob-password'), { keepSessionInfo: true });
    return { id: request.session.id, data: { ...request.session } };
  }

  /** The object protocol on req.session, as middleware uses it. */
  @Post('protocol')
  @HttpCode(200)
  protocol(@Req() request: any) {
    const session = request.session;
    session.a = 1;
    session.b = { nested: [] };
    session.b.nested.push('x');
    const before = { keys: Object.keys(session), hasA: 'a' in session, hasZ: 'z' in session, json: JSON.parse(JSON.stringify(session)) };
    delete session.a;
    session.set('c', 3);
    session.set('gone', undefined);
    return { before, after: { keys: Object.keys(session), a: session.a, c: session.get('c'), cookie: session.cookie.maxAge, isFunction: typeof session.regenerate } };
  }

  @Post('write/:key')
  @HttpCode(200)
  write(@Req() request: any, @Param('key') key: string) {
    request.session[key] = key;
    return { ok: true };
  }
}
