import { Module, type DynamicModule } from '@nestjs/common';
import { RedisSessionStore, SessionModule } from 'nest-session';
import { CounterController } from './counter.controller.js';

@Module({})
export class AppModule {
  /** `cookie`: the default signed-cookie store; `redis`: Redis on 127.0.0.1:6379 under its own prefix. */
  static withStore(store: string): DynamicModule {
    const secret = process.env.SESSION_SECRET ?? '';
    const session =
      store === 'redis'
        ? SessionModule.forRoot({
            secret,
            store: new RedisSessionStore({ connection: 'redis://127.0.0.1:6379', prefix: process.env.REDIS_PREFIX ?? 'consumer:' }),
            // Records left by the test (the tampered-cookie session) expire within a minute.
            lifetime: 60_000,
          })
        : SessionModule.forRoot({ secret });
    return { module: AppModule, imports: [session], controllers: [CounterController] };
  }
}
