import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** A running instance of test/flask/app.py. */
export interface FlaskServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  stop(): Promise<void>;
}

export interface FlaskServerOptions {
  /** Flask's `SECRET_KEY`. */
  secretKey: string;
  /** Flask's `PERMANENT_SESSION_LIFETIME`, in seconds. @default 31 days */
  lifetimeSeconds?: number;
}

/**
 * The interpreter: `FLASK_PYTHON` when set, else Debian's (whose python3-flask is the reference
 * Flask of these tests), else whatever `python3` is on the PATH.
 */
export const FLASK_PYTHON = process.env.FLASK_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

const STARTUP_TIMEOUT = 15_000;

/**
 * Starts the Flask test app on a free loopback port. The app binds port 0 itself and reports the
 * port it got, so there is no window in which another process can take it; the helper then waits
 * for a first answer over HTTP before it resolves.
 */
export async function startFlask(options: FlaskServerOptions): Promise<FlaskServer> {
  const child = spawn(FLASK_PYTHON, [join(__dirname, 'app.py')], {
    env: {
      ...process.env,
      FLASK_SECRET_KEY: options.secretKey,
      FLASK_LIFETIME_SECONDS: String(options.lifetimeSeconds ?? 31 * 24 * 3600),
      PYTHONUNBUFFERED: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  try {
    const port = await listeningPort(child, () => stderr);
    const url = `http://127.0.0.1:${port}`;
    const answer = await fetch(`${url}/dump`);
    if (answer.status !== 200) throw new Error(`the Flask test app answered ${answer.status} on /dump:\n${stderr}`);
    return { url, stop: () => stop(child) };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

function listeningPort(child: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`the Flask test app (${FLASK_PYTHON} test/flask/app.py) ${why}:\n${stderr()}`));
    };
    const timer = setTimeout(() => fail(`did not start within ${STARTUP_TIMEOUT} ms`), STARTUP_TIMEOUT);
    child.once('error', (error) => fail(`could not be started (${error.message})`));
    child.once('exit', (code) => fail(`exited with code ${code} before listening`));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /LISTENING (\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
