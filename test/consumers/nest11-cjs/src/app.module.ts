import { DynamicModule, Module } from '@nestjs/common';
import { FileSessionStore, SessionModule } from 'nest-session';
import { CounterController } from './counter.controller';

@Module({})
export class AppModule {
  /** `cookie`: the default signed-cookie store; `file`: one file per session in SESSION_DIR. */
  static withStore(store: string): DynamicModule {
    const secret = process.env.SESSION_SECRET ?? '';
    const session =
      store === 'file'
        ? SessionModule.forRoot({ secret, store: new FileSessionStore({ directory: process.env.SESSION_DIR ?? 'sessions' }) })
        : SessionModule.forRoot({ secret });
    return { module: AppModule, imports: [session], controllers: [CounterController] };
  }
}
