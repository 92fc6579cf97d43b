import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { createSessionStore, SampleStore } from './session-store.factory';

export const SAMPLE_STORE = Symbol('SAMPLE_STORE');

/** Builds the store once, for SessionModule.forRootAsync, and closes its connection on shutdown. */
@Module({
  providers: [{ provide: SAMPLE_STORE, useFactory: () => createSessionStore() }],
  exports: [SAMPLE_STORE],
})
export class SessionStoreModule implements OnApplicationShutdown {
  constructor(@Inject(SAMPLE_STORE) private readonly sample: SampleStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.sample.close();
  }
}
