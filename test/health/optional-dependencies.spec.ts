import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/**
 * terminus and prom-client are optional: the library never imports them. A process that loads
 * nest-session, builds the health indicator's module and the metrics adapter's types has neither
 * in its module cache.
 */
it('loads neither @nestjs/terminus nor prom-client with the library', () => {
  const script = `
    const lib = require(${JSON.stringify(join(ROOT, 'lib/index.ts'))});
    if (typeof lib.SessionHealthIndicator !== 'function' || typeof lib.PromClientSessionMetrics !== 'function') throw new Error('exports missing');
    const loaded = Object.keys(require.cache).filter((file) => /node_modules[\\\\/](@nestjs[\\\\/]terminus|prom-client)[\\\\/]/.test(file));
    process.stdout.write(JSON.stringify(loaded));
  `;
  const out = execFileSync(process.execPath, ['-r', join(ROOT, 'test/scale/fleet/register-swc.js'), '-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(JSON.parse(out)).toEqual([]);
});
