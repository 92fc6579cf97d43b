import 'reflect-metadata';
import { Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SessionModule } from '../../../lib';
import { ScaleController } from './scale.controller';
import { openStore, type StoreSpec } from './store-spec';

/** One app of a process: the port it listens on and the store it opens. */
export interface AppSpec {
  port: number;
  store: StoreSpec;
}

/**
 * One app server of a fleet, run as its own process (`node -r ./register-swc.js scale-app.main.ts`),
 * built from the public API only, as a user would build it. Settings come from the environment:
 * PLATFORM (express | fastify), APPS (a JSON list of {@link AppSpec}), SECRET, STORE_TIMEOUT.
 * A process may serve several apps, one per store on its own port: a test of five stores then
 * starts three processes instead of fifteen, and each store's apps are still in separate
 * processes. It prints `ready <port>` for each app that listens and closes cleanly on SIGTERM.
 */
async function startApp({ port, store: spec }: AppSpec): Promise<() => Promise<void>> {
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
  await app.listen(port, '127.0.0.1');
  process.stdout.write(`ready ${port}\n`);
  return async () => {
    await app.close();
    await close();
  };
}

async function main(): Promise<void> {
  const apps = JSON.parse(process.env.APPS ?? '[]') as AppSpec[];
  const closers = await Promise.all(apps.map(startApp));
  const stop = async () => {
    await Promise.all(closers.map((close) => close()));
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
