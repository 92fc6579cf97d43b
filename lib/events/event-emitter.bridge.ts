import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SessionEvents, type EventEmitterLike } from './session-events';

/**
 * Forwards session events to `@nestjs/event-emitter` when the app has it (an optional package,
 * loaded only here): `EventEmitterModule.forRoot()` in the app is all it takes for
 * `@OnEvent('session.destroyed')` to fire. Without it, nothing is looked up again.
 */
@Injectable()
export class EventEmitterBridge implements OnModuleInit {
  constructor(
    private readonly events: SessionEvents,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    this.events.forwardTo(findEventEmitter(this.moduleRef));
  }
}

function findEventEmitter(moduleRef: ModuleRef): EventEmitterLike | undefined {
  let token: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    token = (require('@nestjs/event-emitter') as { EventEmitter2?: unknown }).EventEmitter2;
  } catch {
    return undefined;
  }
  if (typeof token !== 'function') return undefined;
  try {
    return moduleRef.get<unknown, EventEmitterLike>(token, { strict: false });
  } catch {
    // The package is installed but EventEmitterModule is not imported: no emitter to forward to.
    return undefined;
  }
}
