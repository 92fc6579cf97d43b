import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '../..');

/**
 * What an application needs to compile against nest-session: Nest and its peers, Node's types.
 * Not ioredis, mongodb, memcache-client or typeorm: those are optional, and the typings must
 * compile without them.
 */
const CONSUMER_PACKAGES = ['@nestjs/common', '@nestjs/core', 'rxjs', 'reflect-metadata', '@types/node'];

/**
 * A consumer's folder in the temporary directory: node_modules/nest-session is a copy of the
 * built package (package.json + dist, found through its "exports"/"types"), the peers are links to
 * this repository's copies. Outside the repository, so nothing else in node_modules is visible.
 */
function consumerFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'nest-session-types-'));
  const installed = join(folder, 'node_modules/nest-session');
  mkdirSync(installed, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(installed, 'package.json'));
  cpSync(join(ROOT, 'dist'), join(installed, 'dist'), { recursive: true, filter: (path) => !path.endsWith('.map') });
  for (const name of CONSUMER_PACKAGES) {
    mkdirSync(join(folder, 'node_modules', name, '..'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(folder, 'node_modules', name), 'dir');
  }
  cpSync(join(__dirname, 'fixtures/consumer.ts'), join(folder, 'consumer.ts'));
  // An ESM application under NodeNext resolution (the CommonJS case, module: commonjs, ignores it).
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  return folder;
}

function diagnostics(folder: string, options: ts.CompilerOptions): string[] {
  const program = ts.createProgram([join(folder, 'consumer.ts')], {
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    types: ['node'],
    typeRoots: [join(folder, 'node_modules/@types')],
    ...options,
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file ? `${diagnostic.file.fileName.replace(folder, '.')}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1} ` : '';
    return `${where}TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}

describe('the built typings, in an application without the optional drivers', () => {
  let folder: string;
  beforeAll(() => {
    folder = consumerFolder();
  });
  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  // Each `@ts-expect-error` in the fixture must fire (an unused one is itself an error, TS2578),
  // and nothing else may fail, in the library's .d.ts files included (skipLibCheck: false).
  it('compile for a CommonJS application (Nest 11 style)', () => {
    expect(diagnostics(folder, { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 })).toEqual([]);
  }, 60_000);

  it('compile for an ESM application (Nest 12 style, "exports" resolution)', () => {
    expect(diagnostics(folder, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext })).toEqual([]);
  }, 60_000);
});
