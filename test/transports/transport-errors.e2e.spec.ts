import { createServer } from 'node:net';
import { ConsoleLogger, Controller, Injectable, Module, type CanActivate, type ExecutionContext, UseGuards } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { ClientProxyFactory, MessagePattern, Transport, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { firstValueFrom } from 'rxjs';
import { MemorySessionStore, Session, SessionModule, SessionService } from '../../lib';
import { Browser, createTestApp, PLATFORMS, SECRET } from '../e2e/app';
import { CountingStore } from './counting-store';
import { connectClient, createGatewayApp } from './gateway-app';

/** Logs kept for assertions (and still printed for errors). */
class KeptLogger extends ConsoleLogger {
  readonly lines: string[] = [];
  override warn(message: unknown): void {
    this.lines.push(String(message));
  }
  override error(message: unknown, ...rest: unknown[]): void {
    this.lines.push([message, ...rest].map((part) => (part instanceof Error ? `${part.name}: ${part.message}` : String(part))).join(' '));
  }
  override log(): void {}
}

describe('errors that point at the real fix', () => {
  it.each(PLATFORMS)('ws on %s without keepUpgradeRequest: the client is told how to keep the upgrade request', async (platform) => {
    const app = await createGatewayApp(platform, 'ws', {}, { keepRequest: false });
    const client = await connectClient('ws', app.url, 'session=whatever');
    try {
      const answer = await client.send('whoami');
      expect(answer.event).toBe('exception');
      expect(answer.data.message).toContain('keepUpgradeRequest(new WsAdapter(app))');
      expect(await client.send('ping')).toEqual({ event: 'ping', data: 'pong' });
    } finally {
      client.close();
      await app.close();
    }
  });

  it.each(PLATFORMS)('a socket limit on %s reaches the log with its reason, not only the client', async (platform) => {
    const logger = new KeptLogger();
    const app = await createGatewayApp(platform, 'socket.io', {}, { logger });
    const client = await connectClient('socket.io', app.url);
    try {
      expect((await client.send('visit')).event).toBe('exception');
      expect(logger.lines.some((line) => line.includes('a socket cannot change a session kept in the cookie store') && line.includes('(socket.io gateway)'))).toBe(true);
    } finally {
      client.close();
      await app.close();
    }
  });

  it.each(PLATFORMS)('GraphQL on %s without SessionModule: @Session() says to import it', async (platform) => {
    @Resolver()
    class LonelyResolver {
      @Query(() => String, { nullable: true })
      whoami(@Session('name') name?: string): string | null {
        return name ?? null;
      }
    }
    const app = await createTestApp(platform, [GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true })], [], [LonelyResolver]);
    try {
      const reply = await new Browser(app.url).post('/graphql', { query: '{ whoami }' });
      expect(reply.json.errors[0].message).toMatch(/^nest-session: @Session\(\) found no session: import SessionModule\.forRoot\(\)/);
    } finally {
      await app.close();
    }
  });
});

/** A microservice (RPC) handler: no request, no cookie, no session; the interceptor costs nothing there. */
@Injectable()
class RpcSessionGuard implements CanActivate {
  constructor(private readonly sessions: SessionService) {}
  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.sessions.fromContext(context);
    return true;
  }
}

@Controller()
class RpcController {
  @MessagePattern('sum')
  sum(numbers: number[]): number {
    return numbers.reduce((a, b) => a + b, 0);
  }

  @MessagePattern('whoami')
  whoami(@Session('name') name?: string): string | null {
    return name ?? null;
  }

  @MessagePattern('guarded')
  @UseGuards(RpcSessionGuard)
  guarded(): string {
    return 'never';
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('microservice (RPC) handlers', () => {
  const store = new CountingStore(new MemorySessionStore());
  const logger = new KeptLogger();
  let app: Awaited<ReturnType<typeof createApp>>;
  let client: ClientProxy;

  async function createApp() {
    @Module({ imports: [SessionModule.forRoot({ secret: SECRET, store, asyncContext: true })], controllers: [RpcController], providers: [RpcSessionGuard] })
    class RpcModule {}
    const moduleRef = await Test.createTestingModule({ imports: [RpcModule] }).compile();
    const port = await freePort();
    const nest = moduleRef.createNestApplication({ logger });
    nest.connectMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    await nest.startAllMicroservices();
    await nest.init();
    return { nest, port };
  }

  beforeAll(async () => {
    app = await createApp();
    client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: app.port } });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await app?.nest.close();
  });

  it('passes through handlers that do not use the session: no store call', async () => {
    store.reset();
    expect(await firstValueFrom(client.send('sum', [1, 2, 3]))).toBe(6);
    expect(store.calls).toEqual({ get: 0, save: 0, touch: 0, destroy: 0 });
  });

  it('fails @Session() and fromContext() with an error that names the transport, in the log', async () => {
    store.reset();
    logger.lines.length = 0;
    // Nest's RPC exception filter answers unknown errors with a generic message and logs them.
    await expect(firstValueFrom(client.send('whoami', {}))).rejects.toMatchObject({ status: 'error' });
    await expect(firstValueFrom(client.send('guarded', {}))).rejects.toMatchObject({ status: 'error' });
    const named = logger.lines.filter((line) => line.includes('nest-session: microservice (rpc) handlers have no HTTP request'));
    expect(named).toHaveLength(2);
    expect(store.calls).toEqual({ get: 0, save: 0, touch: 0, destroy: 0 });
  });
});
