import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MemcachedSessionStore, MongoSessionStore, Session, SessionModule, TypeOrmSessionStore, type SessionLimitMode, type SessionStore } from '../../lib';
import { openStore, type StoreSpec } from '../scale/fleet/store-spec';

/** The fleet's stores, and the two the fleet does not know (their stores own their clients). */
export type LimitStoreSpec =
  StoreSpec | { kind: 'memcached'; prefix: string } | { kind: 'mongo'; url: string; dbName: string } | { kind: 'sqlite'; database: string; tableName: string };

/** One app of a process: its store and what it does at the limit. */
export interface LimitAppSpec {
  store: LimitStoreSpec;
  onLimit: SessionLimitMode;
}

async function open(spec: LimitStoreSpec): Promise<{ store: SessionStore; close(): Promise<void> }> {
  const none = async () => undefined;
  if (spec.kind === 'memcached') return { store: new MemcachedSessionStore({ server: '127.0.0.1:11211', prefix: spec.prefix }), close: none };
  if (spec.kind === 'mongo') return { store: new MongoSessionStore({ url: spec.url, dbName: spec.dbName }), close: none };
  if (spec.kind === 'sqlite') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, on purpose
    const { DataSource } = require('typeorm') as typeof import('typeorm');
    const dataSource = new DataSource({ type: 'better-sqlite3', database: spec.database });
    await dataSource.initialize();
    return { store: new TypeOrmSessionStore({ dataSource, tableName: spec.tableName }), close: () => dataSource.destroy() };
  }
  return openStore(spec);
}

@Controller()
class LoginController {
  @Post('login')
  @HttpCode(200)
  async login(@Session() session: Session, @Body() body: { user: string }) {
    await session.regenerate();
    session.set('user', body.user);
    return { ok: true };
  }

  @Get('whoami')
  whoami(@Session() session: Session) {
    return { user: session.get('user') ?? null };
  }
}

/**
 * An app process for the limit race (`node -r ../scale/fleet/register-swc.js limit-app.main.ts`):
 * PLATFORM, SECRET, MAX and APPS (a JSON list of {@link LimitAppSpec}) from the environment; each
 * app listens on a free port and prints `ready <url>` in the order of APPS.
 */
async function startApp({ store: spec, onLimit }: LimitAppSpec): Promise<{ url: string; close(): Promise<void> }> {
  const { store, close } = await open(spec);
  @Module({
    imports: [SessionModule.forRoot({ secret: process.env.SECRET as string, store, userKey: 'user', maxSessionsPerUser: Number(process.env.MAX), onLimit })],
    controllers: [LoginController],
  })
  class LimitAppModule {}
  const options = { logger: ['error' as const, 'warn' as const] };
  const app: INestApplication =
    process.env.PLATFORM === 'fastify'
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, on purpose
        await NestFactory.create(LimitAppModule, new (require('@nestjs/platform-fastify') as typeof import('@nestjs/platform-fastify')).FastifyAdapter(), options)
      : await NestFactory.create(LimitAppModule, options);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    url,
    close: async () => {
      await app.close();
      await close();
    },
  };
}

async function main(): Promise<void> {
  const apps = await Promise.all((JSON.parse(process.env.APPS ?? '[]') as LimitAppSpec[]).map(startApp));
  for (const app of apps) process.stdout.write(`ready ${app.url}\n`);
  const stop = async () => {
    await Promise.all(apps.map((app) => app.close()));
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
