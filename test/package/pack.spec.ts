import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '../..');

interface PackedFile {
  path: string;
}

interface PackReport {
  files: PackedFile[];
}

/**
 * What `npm pack` puts in the tarball, read from its dry run over the build `npm test` made
 * (`--ignore-scripts`: the real pack's `prepack` rebuilds dist/, which other specs are reading).
 */
async function packedPaths(): Promise<string[]> {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, timeout: 60_000 });
  // npm 11 prints an array of reports, npm 12 an object of them keyed by package name.
  const reports = JSON.parse(stdout) as PackReport[] | Record<string, PackReport>;
  const [report] = Array.isArray(reports) ? reports : Object.values(reports);
  return report.files.map((file) => file.path).sort();
}

describe('the published package', () => {
  let paths: string[];
  beforeAll(async () => {
    paths = await packedPaths();
  }, 60_000);

  it('holds the build, the README, the LICENSE and package.json, nothing else', () => {
    expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']));
    expect(paths.filter((path) => !path.startsWith('dist/'))).toEqual(['LICENSE', 'README.md', 'package.json']);
    expect(paths.filter((path) => !/\.(js|d\.ts|js\.map)$/.test(path))).toEqual(['LICENSE', 'README.md', 'package.json']);
  });

  it('ships no stale output: every built file comes from a source in lib/', () => {
    const stale = paths
      .filter((path) => path.startsWith('dist/'))
      .map((path) => path.replace(/^dist\//, 'lib/').replace(/(\.d\.ts|\.js\.map|\.js)$/, '.ts'))
      .filter((source) => !existsSync(join(ROOT, source)));
    expect(stale).toEqual([]);
  });

  it('ships source maps whose sources resolve: inline, or a file in the package', () => {
    const maps = paths.filter((path) => path.endsWith('.map'));
    const unresolved: string[] = [];
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(readFileSync(join(ROOT, map), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      sources.forEach((source, index) => {
        const inline = typeof sourcesContent?.[index] === 'string';
        if (!inline && !paths.includes(posix.join(dirname(map), source))) unresolved.push(`${map} -> ${source}`);
      });
    }
    expect(unresolved).toEqual([]);
  });

  it('publishes nest-session/testing: "exports" for Node and bundlers, "typesVersions" for node10 typings, both in the tarball', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
      typesVersions: Record<string, Record<string, string[]>>;
    };
    const entry = manifest.exports['./testing'];
    expect(entry).toEqual({ types: './dist/testing/index.d.ts', default: './dist/testing/index.js' });
    expect(manifest.typesVersions['*'].testing).toEqual(['dist/testing/index.d.ts']);
    expect(paths).toEqual(expect.arrayContaining([entry.types.slice(2), entry.default.slice(2)]));
  });

  it('builds before it is packed, and states its license', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; license: string };
    expect(manifest.scripts.prepack).toMatch(/\bnpm run build\b/);
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License[\s\S]*nest-session contributors/);
  });
});
