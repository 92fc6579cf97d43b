import { Body, Controller, Get, HttpCode, Injectable, Module, Post, type OnModuleInit } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Session, SessionEvents, SessionModule, SessionService, type SessionEventMap, type SessionEventName, type SessionModuleOptions } from '../../lib';
import { SECRET, type Platform, type TestApp } from '../e2e/app';

export type Recorded = { [K in SessionEventName]: { name: K; event: SessionEventMap[K] } }[SessionEventName];

const NAMES: SessionEventName[] = ['session.created', 'session.regenerated', 'session.destroyed', 'session.expired', 'session.user-logged-out', 'csrf.rejected'];

/** Listens to every event through the injectable SessionEvents, as an app's provider would. */
@Injectable()
export class EventLog implements OnModuleInit {
  readonly events: Recorded[] = [];
  constructor(private readonly sessionEvents: SessionEvents) {}

  onModuleInit(): void {
    for (const name of NAMES) this.sessionEvents.on(name, (event) => void this.events.push({ name, event } as Recorded));
  }

  /** The events since the last call. */
  take(): Recorded[] {
    return this.events.splice(0);
  }
}

@Controller()
export class EventsController {
  constructor(private readonly sessions: SessionService) {}

  @Get('read')
  read(@Session() session: Session) {
    return { id: session.id, data: session.toJSON() };
  }

  @Post('write')
  @HttpCode(200)
  write(@Session() session: Session) {
    session.set('n', session.get('n', 0) + 1);
    return { id: session.id };
  }

  @Post('login')
  @HttpCode(200)
  async login(@Session() session: Session, @Body() body: { user?: string } = {}) {
    const before = session.id;
    await session.regenerate();
    session.set('userId', body.user ?? 'alice');
    return { before, id: session.id };
  }

  @Post('logout')
  @HttpCode(200)
  async logout(@Session() session: Session) {
    const before = session.id;
    await session.destroy();
    return { before };
  }

  @Post('logout-everywhere')
  @HttpCode(200)
  async everywhere(@Body() body: { user: string }) {
    return { count: await this.sessions.destroyUserSessions(body.user) };
  }

  @Get('token')
  token(@Session() session: Session) {
    return { token: session.csrfToken() };
  }
}

/** An app whose EventLog records every session event. */
export async function createEventsApp(
  platform: Platform,
  options: Partial<SessionModuleOptions>,
  extra: { imports?: any[]; providers?: any[] } = {},
): Promise<TestApp & { log: EventLog }> {
  @Module({
    imports: [SessionModule.forRoot({ secret: SECRET, ...options }), ...(extra.imports ?? [])],
    controllers: [EventsController],
    providers: [EventLog, ...(extra.providers ?? [])],
  })
  class EventsAppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [EventsAppModule] }).compile();
  const app: INestApplication =
    platform === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error', 'warn'] })
      : moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, close: () => app.close(), log: app.get(EventLog) };
}
