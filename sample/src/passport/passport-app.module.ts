import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { SessionModule } from 'nest-session';
import { SAMPLE_STORE, SessionStoreModule } from '../session-store.module';
import type { SampleStore } from '../session-store.factory';
import { AccountController } from './account.controller';
import { LocalAuthGuard } from './local-auth.guard';
import { LocalLoginStrategy } from './passport-login.strategy';
import { SessionSerializer } from './session.serializer';

/** Shared by everyone who runs the sample unconfigured; never use it for anything real. */
const DEV_SECRET = 'dev-only-secret-of-the-nest-session-sample-do-not-deploy';

/**
 * The Passport variant: `requestSession: true` gives Passport the `req.session` it expects, so
 * this module and `passport-main.ts` are what an express-session app has, minus express-session.
 */
@Module({
  imports: [
    SessionModule.forRootAsync({
      imports: [SessionStoreModule],
      inject: [SAMPLE_STORE],
      useFactory: ({ store }: SampleStore) => ({ secret: process.env.SESSION_SECRET ?? DEV_SECRET, store, requestSession: true, csrf: true }),
    }),
    PassportModule.register({ session: true }),
  ],
  controllers: [AccountController],
  providers: [LocalLoginStrategy, SessionSerializer, LocalAuthGuard],
})
export class PassportAppModule {}
