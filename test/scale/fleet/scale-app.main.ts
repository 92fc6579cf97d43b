import 'reflect-metadata';
import { Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SessionModule } from '../../../lib';
import { ScaleController } from './scale.controller';
import { openStore, type StoreSpec } from './store-spec';

/**
 * One app server of a fleet, run as its own process (`node -r ./register-swc.js scale-app.main.ts`).
 * It is built from the public API only, as a user would build it. Settings come from the
 * environment: PLATFORM (express | fastify), PORT, STORE (a JSON {@link StoreSpec}), SECRET,
 * STORE_TIMEOUT. It prints `ready <port>` once it listens and closes cleanly on SIGTERM.
 */
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
