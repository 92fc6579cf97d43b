import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const SAMPLE_MAIN = resolve(__dirname, '../../sample/dist/main.js');

/**
 * The sample app as a user runs it: a child process started from its built output, on a fixed
 * free port and a temporary data dir, so a restart finds the same sessions at the same address.
 */
export class SampleApp {
  private child?: ChildProcess;
  /** Everything the current process printed, shown when something goes wrong. */
  output = '';

  private constructor(
    readonly port: number,
    readonly dataDir: string,
  ) {}

  static async create(): Promise<SampleApp> {
    if (!existsSync(SAMPLE_MAIN)) {
      throw new Error(`${SAMPLE_MAIN} is missing: run "npm run build:sample" first (npm test does it before vitest).`);
    }
    return new SampleApp(await freePort(), mkdtempSync(join(tmpdir(), 'nest-session-sample-')));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the app and resolves once it prints its URL. */
  async start(): Promise<void> {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(this.port), SAMPLE_DATA_DIR: this.dataDir, NO_COLOR: '1' };
    env.SESSION_SECRET = 'secret-of-the-sample-browser-test-0123456789';
    // The embedded SQLite default, whatever the developer's shell exports.
    delete env.REDIS_URL;
    delete env.DATABASE_URL;
    this.output = '';
    const child = spawn(process.execPath, [SAMPLE_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stderr.on('data', (chunk) => (this.output += chunk));
    await new Promise<void>((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        reject(new Error(`the sample app ${why}. Its output:\n${this.output}`));
      };
      const timer = setTimeout(() => fail('did not start within 20 s'), 20000);
      child.stdout.on('data', (chunk) => {
        this.output += chunk;
        if (this.output.includes(`listening on http://localhost:${this.port}`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before listening`));
    });
  }

  /** Stops the app with SIGTERM, as a process manager would, and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.child = undefined;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
    if (child.signalCode === 'SIGKILL') throw new Error(`the sample app ignored SIGTERM for 10 s. Its output:\n${this.output}`);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
