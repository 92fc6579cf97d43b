import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import passport from 'passport';
import { PassportAppModule } from './passport/passport-app.module';

/** The Passport variant of the sample (`node sample/dist/passport-main.js`): login with passport-local. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(PassportAppModule);
  app.enableShutdownHooks();
  // The lines an express-session app has; nest-session's requestSession provides req.session.
  app.use(passport.initialize());
  app.use(passport.session());
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  console.log(`nest-session Passport sample listening on http://localhost:${port}`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
