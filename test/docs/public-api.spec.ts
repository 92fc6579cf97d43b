import { join } from 'node:path';
import * as ts from 'typescript';
import { readDoc, ROOT, splitMarkdown } from './markdown-files';

/**
 * The package's public surface is kept on purpose: every name `lib/index.ts` exports (values and
 * types) is listed in docs/api.md with where it is documented, and the page lists nothing that is
 * not exported. Adding an export means deciding to document it; removing one shows in the diff.
 */
describe('public API', () => {
  const exported = exportsOf(join(ROOT, 'lib', 'index.ts'));
  const page = readDoc('docs/api.md');
  const notExported = page.slice(page.indexOf('## Not exported, on purpose'));
  const listed = namesIn(page.slice(0, page.indexOf('## The testing entry')));

  it('reads the exports of lib/index.ts', () => {
    expect(exported).toEqual(expect.arrayContaining(['SessionModule', 'Session', 'SessionService', 'SessionStore', 'SessionError']));
  });

  it('lists every export in docs/api.md', () => {
    expect(exported.filter((name) => !listed.has(name))).toEqual([]);
  });

  it('lists nothing that is not exported (names that look like API: capitalised or create*)', () => {
    const apiLike = [...listed].filter((name) => /^[A-Z]/.test(name) || name.startsWith('create'));
    expect(apiLike.filter((name) => !exported.includes(name))).toEqual([]);
  });

  it('lists the testing entry, and only what lib/testing/index.ts exports', () => {
    const testing = exportsOf(join(ROOT, 'lib', 'testing', 'index.ts'));
    const section = namesIn(page.slice(page.indexOf('## The testing entry'), page.indexOf('## Not exported, on purpose')));
    expect(testing).toContain('runStoreContract');
    expect(testing.filter((name) => !section.has(name))).toEqual([]);
    expect([...section].filter((name) => /^[A-Z]|^[a-z]+[A-Z]/.test(name) && !testing.includes(name) && !exported.includes(name))).toEqual([]);
  });

  it('keeps the codecs and the interceptor out, as the page says', () => {
    for (const name of ['SignedCookieCodec', 'EncryptedCookieCodec', 'FlaskCookieCodec', 'TaggedJsonCodec', 'FlaskTaggedJsonCodec', 'SessionInterceptor']) {
      expect(exported).not.toContain(name);
      expect(notExported).toContain(`\`${name}\``);
    }
  });
});

/** The names in backticks in the prose (tables included) of a part of the page, code blocks left out. */
function namesIn(markdown: string): Set<string> {
  return new Set([...splitMarkdown(markdown).prose.matchAll(/`([A-Za-z_][\w]*)`/g)].map((match) => match[1]));
}

function exportsOf(file: string): string[] {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile).config;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const program = ts.createProgram([file], { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  return checker
    .getExportsOfModule(module)
    .map((symbol) => symbol.name)
    .sort();
}
