import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UnsupportedNodeError } from 'nest-session';
import { assertSupportedNode } from '../../lib/utils/supported-node';
import { describeWith, OLD_NODE } from '../setup/services';

const ROOT = resolve(__dirname, '../..');
const PREFLIGHT = join(ROOT, 'sample/preflight.cjs');

describe('the supported Node.js floor', () => {
  it.each(['22.12.0', '22.20.1', '24.0.0', '26.1.0'])('accepts Node.js %s', (version) => {
    expect(() => assertSupportedNode(version)).not.toThrow();
  });

  it.each(['20.19.0', '20.20.2', '22.11.0', '18.20.8'])('refuses Node.js %s, naming both versions', (version) => {
    expect(() => assertSupportedNode(version)).toThrow(UnsupportedNodeError);
    expect(() => assertSupportedNode(version)).toThrow(`needs Node.js 22.12.0 or later, and this process runs Node.js ${version}`);
  });
});

describeWith(['old-node'])('on an unsupported Node.js', () => {
  it('the built package refuses to load with the versions named (npm run build first: npm test does)', () => {
    const run = spawnSync(OLD_NODE, ['-e', `require(${JSON.stringify(join(ROOT, 'dist'))})`], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/UnsupportedNodeError: nest-session: needs Node\.js 22\.12\.0 or later, and this process runs Node\.js 2?\d\.\d+\.\d+\./);
  });

  it('npm start stops before the build with one line that says which Node.js to install', () => {
    const run = spawnSync(OLD_NODE, [PREFLIGHT], { encoding: 'utf8', env: { ...process.env, REDIS_URL: '', DATABASE_URL: '' } });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^nest-session sample: needs Node\.js 22\.12 or later, and this is Node\.js \d+\.\d+\.\d+\. Install Node\.js 24 \(LTS\) or 22/);
  });
});

describe('npm start when the install skipped better-sqlite3 build script (npm 12 without an allowScripts entry)', () => {
  let dir: string;

  beforeAll(() => {
    // The real packages as such an install leaves them: better-sqlite3 without its build/ folder.
    dir = mkdtempSync(join(tmpdir(), 'nest-session-preflight-'));
    for (const name of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
      cpSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name), { recursive: true, filter: (source) => !source.includes(`${name}/build`) });
    }
    cpSync(PREFLIGHT, join(dir, 'preflight.cjs'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the cause and the fix in one line', () => {
    const run = spawnSync(process.execPath, [join(dir, 'preflight.cjs')], { encoding: 'utf8', env: { ...process.env, REDIS_URL: '', DATABASE_URL: '' } });
    expect(run.status).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('the SQLite driver better-sqlite3 is not built');
    expect(run.stderr).toContain('npm rebuild better-sqlite3');
    expect(run.stderr).toContain('allowScripts');
  });

  it('is quiet when the store is Redis or PostgreSQL, which need no SQLite', () => {
    const run = spawnSync(process.execPath, [join(dir, 'preflight.cjs')], { encoding: 'utf8', env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:6379' } });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
  });
});
