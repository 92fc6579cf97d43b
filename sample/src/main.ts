import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { SAMPLE_STORE } from './session-store.module';
import type { SampleStore } from './session-store.factory';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  // SIGINT/SIGTERM close the HTTP server, then the store's connection, so no save is cut off.
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  const { description } = app.get<SampleStore>(SAMPLE_STORE);
  new Logger('Sample').log(`sessions in ${description}`);
  // Plain stdout, so scripts (and the browser test) can wait for this line.
  console.log(`nest-session sample listening on http://localhost:${port}`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
