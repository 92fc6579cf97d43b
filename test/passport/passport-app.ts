import { Injectable, Module, UnauthorizedException } from '@nestjs/common';
import type { CanActivate, ExecutionContext, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import fastifyPassport from '@fastify/passport';
import { AuthGuard, PassportModule, PassportSerializer, PassportStrategy } from '@nestjs/passport';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { SessionModule, type SessionModuleOptions } from '../../lib';
import { SECRET, type Platform, type TestApp } from '../e2e/app';
import { AuthController, findUser, LoginGuard, PLATFORM_LOGIN, userById } from './auth.controller';
import type { PassportStoreHarness } from './passport-stores';

// ---- Express: @nestjs/passport, as in Nest's docs ----

@Injectable()
class LocalPassportStrategy extends PassportStrategy(LocalStrategy) {
  validate(username: string, password: string) {
    const user = findUser(username, password);
    if (!user) throw new UnauthorizedException();
    return user;
  }
}

@Injectable()
class SessionSerializer extends PassportSerializer {
  serializeUser(user: { id: number }, done: (error: unknown, id?: number) => void) {
    done(null, user.id);
  }
  deserializeUser(id: number, done: (error: unknown, user?: unknown) => void) {
    done(null, userById(id) ?? false);
  }
}

/** The docs' LocalAuthGuard: authenticate, then log in (which regenerates the session). */
@Injectable()
class ExpressLoginGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const result = (await super.canActivate(context)) as boolean;
    await super.logIn(context.switchToHttp().getRequest());
    return result;
  }
}

// ---- Fastify: @fastify/passport with the same passport-local strategy ----

type Authenticator = InstanceType<typeof fastifyPassport.Authenticator>;

function fastifyAuthenticator(): Authenticator {
  const authenticator = new fastifyPassport.Authenticator();
  authenticator.use('local', new LocalStrategy((username, password, done) => done(null, findUser(username, password) ?? false)));
  authenticator.registerUserSerializer(async (user: { id: number }) => user.id);
  authenticator.registerUserDeserializer(async (id: number) => userById(id));
  return authenticator;
}

class FastifyLoginGuard implements CanActivate {
  constructor(private readonly authenticator: Authenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest();
    let user: unknown;
    await this.authenticator.authenticate('local', async (_request: unknown, _reply: unknown, error: Error | null, found: unknown) => {
      if (error) throw error;
      user = found;
    }).call(request.server, request, http.getResponse());
    if (!user) throw new UnauthorizedException();
    await request.logIn(user);
    return true;
  }
}

/**
 * A Nest app set up as its `main.ts` would be: NestFactory.create, then Passport's lines. The
 * session module is nest-session with `requestSession: true`; no express-session anywhere.
 */
export async function createPassportApp(platform: Platform, harness: PassportStoreHarness, extra: Partial<SessionModuleOptions> = {}): Promise<TestApp> {
  const authenticator = fastifyAuthenticator();
  const options: SessionModuleOptions = { secret: SECRET, store: harness.store, requestSession: true, ...extra };

  @Module({
    imports: [SessionModule.forRoot(options), PassportModule.register({ session: true })],
    controllers: [AuthController],
    providers: [
      LocalPassportStrategy,
      SessionSerializer,
      LoginGuard,
      { provide: PLATFORM_LOGIN, useFactory: () => (platform === 'express' ? new ExpressLoginGuard() : new FastifyLoginGuard(authenticator)) },
    ],
  })
  class AppModule {}

  let app: INestApplication;
  if (platform === 'express') {
    app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
    app.use(passport.initialize());
    app.use(passport.session());
  } else {
    const fastify = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
    // @fastify/passport's README, minus the session plugin: nest-session provides request.session.
    await fastify.register(authenticator.initialize() as never);
    await fastify.register(authenticator.secureSession() as never);
    app = fastify;
  }
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, close: () => app.close() };
}
