import { randomBytes } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Injectable, Module, Patch, Post, Put, Req, UseGuards } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { CsrfGuard, MemorySessionStore, RedisSessionStore, Session, SessionModule, SessionService, SkipCsrf, type SessionModuleOptions, type SessionStore } from '../../lib';
import { SECRET, type Platform, type TestApp } from '../e2e/app';
import type { ServiceName } from '../setup/services';
import { STORE_TARGETS } from '../stores/harnesses/registry';

/** A guard that puts a token on the request through the injectable API, as a view-model guard would. */
@Injectable()
class TokenOnRequest implements CanActivate {
  constructor(private readonly sessions: SessionService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    context.switchToHttp().getRequest().csrf = await this.sessions.csrfToken(context);
    return true;
  }
}

/** The routes of the CSRF scenarios: a page that hands out tokens, and actions that write. */
@Controller()
export class CsrfController {
  @Get('form')
  form(@Session() session: Session) {
    return { token: session.csrfToken(), count: session.get('count', 0) };
  }

  @Get('via-service')
  @UseGuards(TokenOnRequest)
  viaService(@Req() request: { csrf: string }) {
    return { token: request.csrf };
  }

  @Get('count')
  count(@Session() session: Session) {
    return { count: session.get('count', 0) };
  }

  /** A GET with a side effect: never checked (safe methods are the app's promise). */
  @Get('bump')
  bumpGet(@Session() session: Session) {
    session.set('count', session.get('count', 0) + 1);
    return { count: session.get('count') };
  }

  @Post('bump')
  @HttpCode(200)
  bump(@Session() session: Session, @Body() body: unknown) {
    session.set('count', session.get('count', 0) + 1);
    return { count: session.get('count'), body };
  }

  @Put('bump')
  put(@Session() session: Session) {
    session.set('count', session.get('count', 0) + 1);
    return { count: session.get('count') };
  }

  @Patch('bump')
  patch(@Session() session: Session) {
    session.set('count', session.get('count', 0) + 1);
    return { count: session.get('count') };
  }

  @Delete('bump')
  remove(@Session() session: Session) {
    session.set('count', session.get('count', 0) + 1);
    return { count: session.get('count') };
  }

  @Post('webhook')
  @HttpCode(200)
  @SkipCsrf()
  webhook() {
    return { ok: true };
  }

  @Post('login')
  @HttpCode(200)
  async login(@Session() session: Session) {
    await session.regenerate();
    session.set('user', 'alice');
    return { token: session.csrfToken() };
  }

  @Post('logout')
  @HttpCode(200)
  async logout(@Session() session: Session) {
    await session.destroy();
    return { ok: true };
  }

  @Post('clear')
  @HttpCode(200)
  clear(@Session() session: Session) {
    session.clear();
    session.set('count', 100);
    return { ok: true };
  }

  @Post('guarded')
  @HttpCode(200)
  @UseGuards(CsrfGuard)
  guarded() {
    return { ok: true };
  }

  @Post('open')
  @HttpCode(200)
  open() {
    return { ok: true };
  }
}

/** A store for one app and a way to see what the server holds. */
export interface CsrfStoreHarness {
  store?: SessionStore;
  /** The stored record of a session id as JSON (its data and times), or null; the cookie store keeps none. */
  record(id: string): Promise<string | null>;
  cleanup(): Promise<void>;
}

export interface CsrfStoreKind {
  name: string;
  serverSide: boolean;
  needs: ServiceName[];
  open(): Promise<CsrfStoreHarness>;
}

const recordOf = (store: SessionStore) => async (id: string) => {
  const record = await store.get(id);
  return record ? JSON.stringify(record) : null;
};

export const CSRF_STORES: CsrfStoreKind[] = [
  { name: 'cookie', serverSide: false, needs: [], open: async () => ({ record: async () => null, cleanup: async () => undefined }) },
  {
    name: 'memory',
    serverSide: true,
    needs: [],
    async open() {
      const store = new MemorySessionStore();
      return { store, record: recordOf(store), cleanup: async () => undefined };
    },
  },
  {
    name: 'Redis',
    serverSide: true,
    needs: ['redis'],
    async open() {
      const prefix = `csrf-test:${randomBytes(6).toString('hex')}:`;
      const store = new RedisSessionStore({ connection: 'redis://127.0.0.1:6379', prefix });
      const probe = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
      await probe.connect();
      return {
        store,
        record: recordOf(store),
        cleanup: async () => {
          const left = await probe.keys(`${prefix}*`);
          if (left.length) await probe.del(...left);
          probe.disconnect();
          await store.close?.();
        },
      };
    },
  },
];

/** Every other server-side store on its backends (Redis standalone and memory are above). */
export const OTHER_SERVER_STORES: CsrfStoreKind[] = STORE_TARGETS.filter((target) => !/^(memory|redis)/.test(target.name)).map((target) => ({
  name: target.name,
  serverSide: true,
  needs: target.services,
  async open() {
    const harness = await target.open();
    return { store: harness.store, record: recordOf(harness.store), cleanup: () => harness.cleanup() };
  },
}));

/** The session id in a server-side session cookie (`id.signature`). */
export function sessionIdOf(cookie: string | undefined): string {
  return (cookie ?? '').split('.')[0];
}

/** An app with the CSRF routes, with the module options of the scenario. */
export async function createCsrfApp(platform: Platform, options: Partial<SessionModuleOptions>, store?: SessionStore): Promise<TestApp> {
  @Module({ imports: [SessionModule.forRoot({ secret: SECRET, store, ...options })], controllers: [CsrfController] })
  class CsrfAppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [CsrfAppModule] }).compile();
  let app: INestApplication;
  if (platform === 'fastify') {
    // Nest 12's FastifyAdapter parses urlencoded forms itself (Nest 11 needs @fastify/formbody).
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error', 'warn'] });
  } else {
    app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  }
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, close: () => app.close() };
}
