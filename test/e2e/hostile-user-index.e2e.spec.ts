import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Session, SessionModule, SessionService } from '../../lib';
import { describeWith } from '../setup/services';
import { openFileStore, type FileHarness } from '../stores/harnesses/file.harness';
import { openMemcached, type MemcachedHarness } from '../stores/harnesses/memcached.harness';
import { Browser, createTestApp, PLATFORMS, SECRET, type TestApp } from './app';

/**
 * Issue 21, findings 1 and 2, over HTTP: one user logging in and out grew memcached's user index
 * by one id per login (until `object too large`, then a 503 on every login), and the file store
 * kept one marker per past login. The 10,000-cycle bound is in test/stores/user-index-bound.spec.ts;
 * here a few hundred real logins show the same through the app.
 */
@Controller()
class AuthController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login/:user')
  @HttpCode(200)
  async login(@Session() session: Session, @Param('user') user: string) {
    await session.regenerate();
    session.set('uid', user);
  }

  @Post('logout')
  @HttpCode(200)
  async logout(@Session() session: Session) {
    await session.destroy();
  }

  @Post('sessions/:user')
  @HttpCode(200)
  async list(@Param('user') user: string) {
    return { ids: await this.sessions.listUserSessions(user) };
  }
}

const sha256 = (value: string, encoding: 'hex' | 'base64url') => createHash('sha256').update(value).digest(encoding);
const user = () => `user-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

describe.each(PLATFORMS)('user index over HTTP on %s', (platform) => {
  describeWith(['memcached'])('memcached', () => {
    let harness: MemcachedHarness;
    let app: TestApp;
    beforeAll(async () => {
      harness = await openMemcached();
      app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store: harness.store, userKey: 'uid' })], [AuthController]);
    });
    afterAll(async () => {
      await app?.close();
      await harness?.cleanup();
    });

    it('300 login/logout cycles leave the index holding the one live session', async () => {
      const name = user();
      const stays = new Browser(app.url);
      await stays.post(`/login/${name}`);
      for (let cycle = 0; cycle < 300; cycle++) {
        const browser = new Browser(app.url);
        expect((await browser.post(`/login/${name}`)).status).toBe(200);
        expect((await browser.post('/logout')).status).toBe(200);
      }
      const item = await harness.raw.get<string>(`${harness.prefix}user:${sha256(name, 'base64url')}`);
      expect(JSON.parse(item.value)).toHaveLength(1);
      expect((await new Browser(app.url).post(`/sessions/${name}`)).json.ids).toHaveLength(1);
    });
  });

  describe('files', () => {
    let harness: FileHarness;
    let app: TestApp;
    beforeAll(async () => {
      harness = await openFileStore({ threshold: 50, fsync: false });
      app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store: harness.store, userKey: 'uid' })], [AuthController]);
    });
    afterAll(async () => {
      await app?.close();
      await harness?.cleanup();
    });

    it('300 logins without logout leave at most `threshold` sessions and as many markers', async () => {
      const name = user();
      for (let login = 0; login < 300; login++) expect((await new Browser(app.url).post(`/login/${name}`)).status).toBe(200);
      const sessions = (await readdir(harness.directory)).filter((file) => file.endsWith('.json'));
      const markers = await readdir(join(harness.directory, 'users', sha256(name, 'hex')));
      expect(sessions.length).toBeLessThanOrEqual(50);
      expect(markers.length).toBe(sessions.length);
      expect((await new Browser(app.url).post(`/sessions/${name}`)).json.ids).toHaveLength(sessions.length);
    });
  });
});
