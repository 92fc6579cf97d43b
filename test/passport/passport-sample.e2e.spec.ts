import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const MAIN = resolve(__dirname, '../../sample/dist/passport-main.js');
/** In the passport helper's port range. */
const PORT = 17711;
const BASE = `http://127.0.0.1:${PORT}`;

/** A form post or a page load with the cookies kept so far; redirects are not followed. */
async function visit(jar: Map<string, string>, path: string, form?: Record<string, string>) {
  const headers: Record<string, string> = { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') };
  if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(BASE + path, { method: form ? 'POST' : 'GET', headers, body: form && new URLSearchParams(form).toString(), redirect: 'manual' });
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
    if (/max-age=0/i.test(header) || value === '') jar.delete(name);
    else jar.set(name, value);
  }
  return { status: response.status, location: response.headers.get('location'), body: await response.text(), cookies: response.headers.getSetCookie() };
}

/** The CSRF token of the form on a page (every form of the sample carries one). */
function tokenOf(body: string): string {
  const match = /name="csrf_token" value="([A-Za-z0-9_-]+)"/.exec(body);
  if (!match) throw new Error(`no csrf_token field in:\n${body}`);
  return match[1];
}

describe('the Passport variant of the sample (sample/dist/passport-main.js)', () => {
  let child: ChildProcess;
  let dataDir: string;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build:sample" first.`);
    dataDir = mkdtempSync(join(tmpdir(), 'nest-session-passport-sample-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(PORT), SAMPLE_DATA_DIR: dataDir, SESSION_SECRET: 'secret-of-the-passport-sample-test-0123456789' };
    delete env.REDIS_URL;
    delete env.DATABASE_URL;
    child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`did not start within 20 s:\n${output}`)), 20000);
      child.stdout!.on('data', (chunk) => {
        output += chunk;
        if (output.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr!.on('data', (chunk) => (output += chunk));
    });
  });

  afterAll(() => {
    child?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs in with passport-local, keeps the user across requests, and logs out', async () => {
    const jar = new Map<string, string>();
    expect((await visit(jar, '/')).location).toBe('/login');

    const token = tokenOf((await visit(jar, '/login')).body);
    const failed = await visit(jar, '/login', { csrf_token: token, username: 'ann', password: 'wrong' });
    expect([failed.status, failed.location, failed.cookies]).toEqual([303, '/login?failed=1', []]);

    const login = await visit(jar, '/login', { csrf_token: token, username: 'ann', password: 'green-tea' });
    expect([login.status, login.location]).toEqual([303, '/']);
    expect((await visit(jar, '/')).body).toContain('Hello, ann');
    const home = (await visit(jar, '/')).body;
    expect(home).toContain('Visits since you logged in: 2');

    // The login replaced the session's CSRF secret: the token of the login form is dead.
    expect((await visit(jar, '/logout', { csrf_token: token })).status).toBe(403);
    expect((await visit(jar, '/logout', { csrf_token: tokenOf(home) })).location).toBe('/login');
    expect((await visit(jar, '/login')).body).toContain('You have been logged out.');
    expect((await visit(jar, '/')).location).toBe('/login');
  });

  it('refuses a form post without a CSRF token: 403, no cookie, not logged in', async () => {
    const jar = new Map<string, string>();
    await visit(jar, '/login');
    const before = new Map(jar);
    const refused = await visit(jar, '/login', { username: 'ann', password: 'green-tea' });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({ statusCode: 403, message: 'invalid CSRF token' });
    expect(refused.cookies).toEqual([]);
    expect(jar).toEqual(before);
    expect((await visit(jar, '/')).location).toBe('/login');
  });
});
