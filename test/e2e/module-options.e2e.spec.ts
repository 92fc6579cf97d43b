import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { MemorySessionStore, Session, SessionModule, SessionModuleOptions, SessionStore } from '../../lib';
import { Browser, createTestApp, PLATFORMS, SECRET, TestApp } from './app';

/** A ConfigModule of our own: options come from a provider, as they would from the environment. */
@Injectable()
class AppConfig {
  readonly values: Record<string, string> = { SESSION_SECRET: SECRET, SESSION_COOKIE: 'from-factory' };
  get(key: string): string {
    return this.values[key];
  }
}
@Module({ providers: [AppConfig], exports: [AppConfig] })
class AppConfigModule {}

@Injectable()
class SessionConfig {
  createSessionOptions(): SessionModuleOptions {
    return { secret: SECRET, cookie: { name: 'from-class' } };
  }
}
@Module({ providers: [SessionConfig], exports: [SessionConfig] })
class SessionConfigModule {}

@Controller()
class CookieController {
  @Get('write')
  write(@Session() session: Session) {
    session.set('ok', true);
    return { ok: true };
  }
}

@Controller()
class StoreController {
  constructor(readonly store: SessionStore) {}

  @Get('write')
  write(@Session() session: Session) {
    session.set('ok', true);
    return { store: this.store.constructor.name };
  }
}

describe.each(PLATFORMS)('SessionModule options on %s', (platform) => {
  /** Resolves (and closes the app) only if startup wrongly succeeds. */
  const startWith = async (options: Partial<SessionModuleOptions>) => {
    const app = await createTestApp(platform, [SessionModule.forRoot(options as SessionModuleOptions)]);
    await app.close();
  };

  it.each<[string, Partial<SessionModuleOptions>, RegExp]>([
    ['no secret', {}, /`secret` option is missing.*at least 32 characters/],
    ['a 31-character secret', { secret: 'x'.repeat(31) }, /secret is 31 characters; use at least 32/],
    ['cookie.httpOnly: false', { secret: SECRET, cookie: { httpOnly: false } }, /httpOnly: false is refused/],
    ['SameSite=None without Secure', { secret: SECRET, cookie: { sameSite: 'none' } }, /sameSite 'none' requires cookie\.secure/],
    ['a __Host- name with a domain', { secret: SECRET, cookie: { name: '__Host-sid', secure: true, domain: 'example.com' } }, /__Host- cookie name requires .*no cookie\.domain/],
    ['an invalid cookie name', { secret: SECRET, cookie: { name: 'my session' } }, /cookie\.name "my session" is not a valid cookie name/],
    ['userKey with the cookie store', { secret: SECRET, userKey: 'userId' }, /userKey option needs a server-side store with a user index.*cookie sessions/],
  ])('refuses to start with %s and says what to change', async (_case, options, message) => {
    await expect(startWith(options)).rejects.toThrow(message);
  });

  describe('forRootAsync', () => {
    let app: TestApp | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    const cookieNameOf = async (module: ReturnType<typeof SessionModule.forRootAsync>) => {
      app = await createTestApp(platform, [module], [CookieController]);
      const reply = await new Browser(app.url).get('/write');
      expect(reply.status).toBe(200);
      return reply.setCookies.map((header) => header.slice(0, header.indexOf('=')));
    };

    it('builds the options with useFactory from an injected provider of an imported module', async () => {
      const module = SessionModule.forRootAsync({
        imports: [AppConfigModule],
        inject: [AppConfig],
        useFactory: (config: AppConfig) => ({ secret: config.get('SESSION_SECRET'), cookie: { name: config.get('SESSION_COOKIE') } }),
      });
      expect(await cookieNameOf(module)).toEqual(['from-factory']);
    });

    it('builds the options with useClass', async () => {
      expect(await cookieNameOf(SessionModule.forRootAsync({ useClass: SessionConfig }))).toEqual(['from-class']);
    });

    it('builds the options with useExisting from an imported module', async () => {
      expect(await cookieNameOf(SessionModule.forRootAsync({ imports: [SessionConfigModule], useExisting: SessionConfig }))).toEqual(['from-class']);
    });

    it('still validates options built asynchronously', async () => {
      const module = SessionModule.forRootAsync({ useFactory: async () => ({ secret: 'short' }) });
      await expect(createTestApp(platform, [module])).rejects.toThrow(/secret is 5 characters/);
    });
  });

  describe('the SessionStore token', () => {
    let app: TestApp | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    it('is the very store instance that was configured', async () => {
      const store = new MemorySessionStore();
      app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store })], [StoreController]);
      expect(app.app.get(StoreController).store).toBe(store);
      expect((await new Browser(app.url).get('/write')).json).toEqual({ store: 'MemorySessionStore' });
      expect(store.size).toBe(1);
    });

    it('cannot be injected with cookie sessions: startup fails, naming the class that asked', async () => {
      await expect(createTestApp(platform, [SessionModule.forRoot({ secret: SECRET })], [StoreController])).rejects.toThrow(
        /StoreController injects SessionStore, but sessions are kept in the cookie/,
      );
    });

    it('is not needed by cookie sessions: an app that does not inject it starts', async () => {
      app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET })], [CookieController]);
      expect((await new Browser(app.url).get('/write')).json).toEqual({ ok: true });
    });
  });

  it('refuses a second SessionModule.forRoot in one application', async () => {
    @Module({ imports: [SessionModule.forRoot({ secret: SECRET, cookie: { name: 'inner' } })] })
    class FeatureModule {}
    await expect(createTestApp(platform, [SessionModule.forRoot({ secret: SECRET }), FeatureModule], [CookieController])).rejects.toThrow(
      /SessionModule is imported more than once/,
    );
  });
});
