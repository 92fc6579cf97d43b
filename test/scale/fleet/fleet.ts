import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { StoreSpec } from './store-spec';

export type Platform = 'express' | 'fastify';
export const SECRET = 'scale-secret-that-is-at-least-32-characters-long';

/** N app processes of the same app on one store, each on its own loopback port. */
export interface Fleet {
  urls: string[];
  pids: number[];
  /** SIGTERM to every process (the app closes its store), SIGKILL after 5 s; resolves once all exited. */
  stop(): Promise<void>;
}

export interface FleetOptions {
  /** The platform of every process, or one per process. */
  platform: Platform | Platform[];
  store: StoreSpec;
  /** One process per port (ports of the 17400-17599 range this suite owns). */
  ports: number[];
  /** The module's `storeTimeout`. @default 1000 */
  storeTimeout?: number;
}

const ROOT = resolve(__dirname, '../../..');
const START_TIMEOUT = 60000;

/** Starts the processes in parallel and resolves once every one of them listens. */
export async function startFleet({ platform, store, ports, storeTimeout = 1000 }: FleetOptions): Promise<Fleet> {
  const children = ports.map((port, i) =>
    spawn(process.execPath, ['-r', join(__dirname, 'register-swc.js'), join(__dirname, 'scale-app.main.ts')], {
      cwd: ROOT,
      env: { ...process.env, PLATFORM: Array.isArray(platform) ? platform[i % platform.length] : platform, PORT: String(port), STORE: JSON.stringify(store), SECRET, STORE_TIMEOUT: String(storeTimeout) },
    }),
  );
  const stop = () => Promise.all(children.map(terminate)).then(() => undefined);
  try {
    await Promise.all(children.map((child, i) => ready(child, ports[i])));
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls: ports.map((port) => `http://127.0.0.1:${port}`), pids: children.map((child) => child.pid as number), stop };
}

function ready(child: ChildProcessWithoutNullStreams, port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`app process on ${port} did not start within ${START_TIMEOUT} ms\n${err}`)), START_TIMEOUT);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    child.stderr.on('data', (chunk) => (err += chunk));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes(`ready ${port}`)) {
        clearTimeout(timer);
        resolvePromise();
      }
    });
    child.once('exit', (code) => fail(new Error(`app process on ${port} exited with ${code} before listening\n${err}`)));
  });
}

function terminate(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}
