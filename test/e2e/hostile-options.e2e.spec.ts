import { SessionModule } from '../../lib';
import { createTestApp, PLATFORMS, SECRET } from './app';

/** An option that would be silently ignored stops the app at startup, naming the right one. */
describe.each(PLATFORMS)('unknown options on %s', (platform) => {
  it('refuses forRoot({ format }) with a hint to cookieFormat', async () => {
    const module = SessionModule.forRoot({ secret: SECRET, format: 'flask' } as never);
    await expect(createTestApp(platform, [module])).rejects.toThrow('nest-session: unknown option "format" — did you mean "cookieFormat"?');
  });

  it('refuses an unknown key inside cookie: {…}', async () => {
    const module = SessionModule.forRoot({ secret: SECRET, cookie: { samesite: 'strict' } } as never);
    await expect(createTestApp(platform, [module])).rejects.toThrow('did you mean "cookie.sameSite"?');
  });
});
