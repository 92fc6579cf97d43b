import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '../..');

/**
 * The build (dist/, made by `npm test` before vitest) loaded the way an ESM Nest 12 app loads it:
 * `import { SessionModule, Session } from 'nest-session'` in a .mjs file, resolved through the
 * package's own "exports". Node's CommonJS lexer must see every name tsc re-exports, and the
 * build's require('@nestjs/common') must give the app's own copy of Nest.
 */
describe('the CommonJS build in an ESM application', () => {
  it('gives named exports, one copy of Nest, and a working session', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, 'fixtures/esm-app.mjs')], { cwd: ROOT, timeout: 60_000 });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!) as { namedExports: string[]; oneNest: boolean; counts: number[] };
    expect(seen.namedExports).toEqual(expect.arrayContaining(['Session', 'SessionModule', 'SessionService', 'RedisSessionStore', 'MemorySessionStore', 'SESSION_MODULE_OPTIONS']));
    expect(seen.oneNest).toBe(true);
    expect(seen.counts).toEqual([1, 2]);
  }, 90_000);
});
