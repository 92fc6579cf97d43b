import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { documentationFiles, readDoc, ROOT, splitMarkdown } from './markdown-files';

/**
 * The TypeScript examples of the README and of every docs/ page are compiled as written (each
 * block its own file, importing 'nest-session' as a user would), so the docs cannot drift from
 * the API. Anything that is not a complete TypeScript file goes in a `text` or `bash` fence.
 */
describe('documentation examples', () => {
  const examples = documentationFiles().flatMap((path) =>
    splitMarkdown(readDoc(path))
      .blocks.filter((block) => block.lang === 'ts' || block.lang === 'typescript')
      .map((block) => ({ path, line: block.line, code: block.code })),
  );

  it('has TypeScript examples in the README and in the docs pages', () => {
    expect(examples.filter((example) => example.path === 'README.md').length).toBeGreaterThanOrEqual(2);
    expect(examples.filter((example) => example.path.startsWith('docs/')).length).toBeGreaterThan(10);
  });

  it('compiles every TypeScript block under strict mode', () => {
    const dir = join(ROOT, 'test-output', 'readme-examples');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const origin = new Map<string, string>();
    const files = examples.map((example, index) => {
      const file = join(dir, `example-${index + 1}.ts`);
      writeFileSync(file, `${example.code}\nexport {};\n`);
      origin.set(file, `${example.path}:${example.line}`);
      return file;
    });
    const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile).config;
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
    const program = ts.createProgram(files, { ...options, noEmit: true, noUnusedLocals: false });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && origin.has(d.file.fileName))
      .map((d) => {
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${origin.get(d.file!.fileName)} (+${line + 1}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  }, 120000);
});
