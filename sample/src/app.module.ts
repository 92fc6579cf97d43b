import { Logger, Module } from '@nestjs/common';
import { SessionModule } from 'nest-session';
import { DevicesModule } from './devices/devices.module';
import { HealthModule } from './health/health.module';
import { ShopModule } from './shop/shop.module';
import { SAMPLE_STORE, SessionStoreModule } from './session-store.module';
import type { SampleStore } from './session-store.factory';

/** Shared by everyone who runs the sample unconfigured; never use it for anything real. */
const DEV_SECRET = 'dev-only-secret-of-the-nest-session-sample-do-not-deploy';

function sessionSecret(): string {
  if (process.env.SESSION_SECRET) return process.env.SESSION_SECRET;
  new Logger('Sample').warn('SESSION_SECRET is not set: using the public DEVELOPMENT secret. Set SESSION_SECRET (32+ characters) outside development.');
  return DEV_SECRET;
}

@Module({
  imports: [
    SessionModule.forRootAsync({
      imports: [SessionStoreModule],
      inject: [SAMPLE_STORE],
      // csrf: every POST of the shop's forms must carry the session's token (see shop.view.ts).
      // userKey indexes each session under its user for the devices page; the page shows the
      // browser each device logged in with (devices.userAgent, off by default: personal data).
      useFactory: ({ store }: SampleStore) => ({ secret: sessionSecret(), store, csrf: true, userKey: 'user', devices: { userAgent: true } }),
    }),
    ShopModule,
    DevicesModule,
    HealthModule,
  ],
})
export class AppModule {}
