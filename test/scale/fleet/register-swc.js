/**
 * Lets a plain `node` child process load the TypeScript app and the repo's lib straight from
 * source, compiled in memory by the repo's own swc (the same settings as the test runner): no
 * build step. Compiled files are cached by content hash in the temp dir, so the second and later
 * processes of a fleet skip the compiler.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const cache = join(tmpdir(), 'nest-session-scale-swc');
mkdirSync(cache, { recursive: true });
let swc;

require.extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const cached = join(cache, createHash('sha1').update(filename).update('\0').update(source).digest('hex') + '.js');
  let code;
  try {
    code = readFileSync(cached, 'utf8');
  } catch {
    swc ??= require('@swc/core');
    code = swc.transformSync(source, {
      filename,
      module: { type: 'commonjs' },
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
    }).code;
    // Written aside and renamed: processes starting together never read half a file.
    const partial = `${cached}.${process.pid}`;
    writeFileSync(partial, code);
    renameSync(partial, cached);
  }
  module._compile(code, filename);
};
