import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Inject, Module, Param, Post } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Session, SessionModule, SessionService } from '../../../lib';
import { openStore, type StoreSpec } from './store-spec';

/**
 * One app server of a fleet, run as its own process (`node -r ./register-swc.js scale-app.main.ts`).
 * It is built from the public API only, as a user would build it. Settings come from the
 * environment: PLATFORM (express | fastify), PORT, STORE (a JSON {@link StoreSpec}), SECRET,
 * STORE_TIMEOUT. It prints `ready <port>` once it listens and closes cleanly on SIGTERM.
 */
@Controller()
class ScaleController {
  constructor(@Inject(SessionService) private readonly sessions: SessionService) {}

  @Post('login/:user')
  @HttpCode(200)
  async login(@Session() session: Session, @Param('user') user: string) {
    await session.regenerate();
    session.set('uid', user);
    return { pid: process.pid };
  }

  @Post('write/:key')
  @HttpCode(200)
  write(@Session() session: Session, @Param('key') key: string, @Body() body: { value: string }) {
    session.set(key, body.value);
    return { pid: process.pid };
  }

  @Get('session')
  read(@Session() session: Session) {
    return { pid: process.pid, isNew: session.isNew, data: session.toJSON() };
  }

  @Post('regenerate')
  @HttpCode(200)
  async regenerate(@Session() session: Session) {
    await session.regenerate();
    return { pid: process.pid };
  }

  @Post('logout')
  @HttpCode(200)
  async logout(@Session() session: Session) {
    await session.destroy();
    return { pid: process.pid };
  }

  /** "Log out everywhere": every session of the current user, on whichever process made it. */
  @Post('logout-everywhere')
  @HttpCode(200)
  async logoutEverywhere(@Session() session: Session) {
    const user = session.get('uid');
    const destroyed = user === undefined ? 0 : await this.sessions.destroyUserSessions(String(user));
    return { pid: process.pid, destroyed };
  }

  @Get('health')
  health() {
    return { pid: process.pid };
  }
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.STORE ?? '') as StoreSpec;
  const { store, close } = await openStore(spec);
  @Module({
    imports: [
      SessionModule.forRoot({
        secret: process.env.SECRET as string,
        store,
        userKey: 'uid',
        storeTimeout: Number(process.env.STORE_TIMEOUT ?? 1000),
      }),
    ],
    controllers: [ScaleController],
  })
  class ScaleAppModule {}

  const options = { logger: ['error' as const, 'warn' as const] };
  const app: INestApplication =
    process.env.PLATFORM === 'fastify'
      ? // Loaded only here: an Express process does not pay for loading Fastify.
        await NestFactory.create(ScaleAppModule, new (require('@nestjs/platform-fastify') as typeof import('@nestjs/platform-fastify')).FastifyAdapter(), options)
      : await NestFactory.create(ScaleAppModule, options);
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.stdout.write(`ready ${process.env.PORT}\n`);
  const stop = async () => {
    await app.close();
    await close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
