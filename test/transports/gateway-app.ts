import type { INestApplication, LoggerService } from '@nestjs/common';
import { CanActivate, Controller, ExecutionContext, Get, Injectable, Module, Post, UseGuards } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test } from '@nestjs/testing';
import { OnGatewayConnection, SubscribeMessage, WebSocketGateway, WsException, type WsResponse } from '@nestjs/websockets';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { keepUpgradeRequest, Session, SessionModule, SessionService, type SessionModuleOptions } from '../../lib';
import { SECRET, type Platform } from '../e2e/app';

export type GatewayKind = 'socket.io' | 'ws';

/** A guard on gateway messages: lets only a logged-in session through. */
@Injectable()
class LoggedInGuard implements CanActivate {
  constructor(private readonly sessions: SessionService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const session = await this.sessions.fromContext(context);
    if (!session.has('name')) throw new WsException('login first');
    return true;
  }
}

function gatewayClass(kind: GatewayKind) {
  @WebSocketGateway(kind === 'ws' ? { path: '/ws' } : {})
  class SessionGateway implements OnGatewayConnection {
    /** What handleConnection read from each client's handshake session (a message may come before it is done). */
    private readonly seen = new WeakMap<object, Promise<string | null>>();

    constructor(private readonly sessions: SessionService) {}

    handleConnection(client: object): void {
      this.seen.set(
        client,
        this.sessions.fromSocket(client).then(
          (session) => session.get('name') ?? null,
          (error: unknown) => `error: ${(error as Error).message}`,
        ),
      );
    }

    @SubscribeMessage('connected')
    async connected(client: object): Promise<WsResponse<string | null | undefined>> {
      return { event: 'connected', data: await this.seen.get(client) };
    }

    @SubscribeMessage('ping')
    ping(): WsResponse<string> {
      return { event: 'ping', data: 'pong' };
    }

    @SubscribeMessage('whoami')
    whoami(@Session('name') name?: string): WsResponse<string | null> {
      return { event: 'whoami', data: name ?? null };
    }

    @SubscribeMessage('current')
    async current(): Promise<WsResponse<string | null>> {
      return { event: 'current', data: (await this.sessions.current()).get('name') ?? null };
    }

    @SubscribeMessage('guarded')
    @UseGuards(LoggedInGuard)
    guarded(@Session('name') name: string): WsResponse<string> {
      return { event: 'guarded', data: name };
    }

    @SubscribeMessage('visit')
    visit(@Session() session: Session<{ visits: number }>): WsResponse<number> {
      const visits = session.get('visits', 0) + 1;
      session.set('visits', visits);
      return { event: 'visit', data: visits };
    }

    @SubscribeMessage('regenerate')
    async regenerate(@Session() session: Session): Promise<WsResponse<boolean>> {
      await session.regenerate();
      return { event: 'regenerate', data: true };
    }

    @SubscribeMessage('logout')
    async logout(@Session() session: Session): Promise<WsResponse<boolean>> {
      await session.destroy();
      return { event: 'logout', data: true };
    }
  }
  return SessionGateway;
}

/** REST beside the gateway: where sessions start and end, as in a real app. */
@Controller()
class AccountController {
  @Post('login')
  async login(@Session() session: Session): Promise<{ ok: true }> {
    await session.regenerate();
    session.set('name', 'ada');
    return { ok: true };
  }

  @Post('logout')
  async logout(@Session() session: Session): Promise<{ ok: true }> {
    await session.destroy();
    return { ok: true };
  }

  @Post('note')
  note(@Session() session: Session): { ok: true } {
    session.set('note', 'from REST');
    return { ok: true };
  }

  @Get('me')
  me(@Session() session: Session): Record<string, unknown> {
    return session.toJSON();
  }
}

export interface GatewayApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

export interface GatewayAppOptions {
  /** Keep the ws upgrade request (what the docs tell ws users to do). @default true */
  keepRequest?: boolean;
  logger?: LoggerService;
}

export async function createGatewayApp(
  platform: Platform,
  kind: GatewayKind,
  options: Omit<SessionModuleOptions, 'secret'> = {},
  { keepRequest = true, logger }: GatewayAppOptions = {},
): Promise<GatewayApp> {
  @Module({
    imports: [SessionModule.forRoot({ secret: SECRET, asyncContext: true, ...options })],
    controllers: [AccountController],
    providers: [gatewayClass(kind), LoggedInGuard],
  })
  class GatewayModule {}
  const moduleRef = await Test.createTestingModule({ imports: [GatewayModule] }).compile();
  const logs = { logger: logger ?? (['error', 'warn'] as const) } as { logger: LoggerService };
  const app: INestApplication =
    platform === 'fastify' ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), logs) : moduleRef.createNestApplication(logs);
  const ws = new WsAdapter(app);
  app.useWebSocketAdapter(kind === 'ws' ? (keepRequest ? keepUpgradeRequest(ws) : ws) : new IoAdapter(app));
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, close: () => app.close() };
}

/** One answer from the gateway: the handler's event, or Nest's `exception` event. */
export interface GatewayAnswer {
  event: string;
  data: any;
}

/** A socket client of either kind, with a cookie header on its handshake. */
export interface GatewayClient {
  /** Sends an event and waits for the answer (the same event, or `exception`). */
  send(event: string, data?: unknown): Promise<GatewayAnswer>;
  /** Whether the socket is still connected. */
  connected(): boolean;
  close(): void;
}

/**
 * Connects a client. socket.io connects over WebSocket at once, or, with `polling`, starts with
 * long-polling (its default in browsers), so the handshake is an ordinary HTTP request.
 */
export async function connectClient(kind: GatewayKind, url: string, cookie?: string, polling = false): Promise<GatewayClient> {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  if (kind === 'socket.io') {
    const socket = io(url, { transports: polling ? ['polling', 'websocket'] : ['websocket'], extraHeaders: headers, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return {
      send: (event, data = {}) =>
        new Promise((resolve) => {
          const answer = (name: string) => (payload: unknown) => {
            socket.off(event);
            socket.off('exception');
            resolve({ event: name, data: payload });
          };
          socket.once(event, answer(event));
          socket.once('exception', answer('exception'));
          socket.emit(event, data);
        }),
      connected: () => socket.connected,
      close: () => socket.close(),
    };
  }
  const socket = new WebSocket(url.replace(/^http/, 'ws') + '/ws', { headers });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const waiting: ((answer: GatewayAnswer) => void)[] = [];
  socket.on('message', (raw) => waiting.shift()?.(JSON.parse((raw as Buffer).toString()) as GatewayAnswer));
  return {
    send: (event, data = {}) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        socket.send(JSON.stringify({ event, data }));
      }),
    connected: () => socket.readyState === WebSocket.OPEN,
    close: () => socket.close(),
  };
}
