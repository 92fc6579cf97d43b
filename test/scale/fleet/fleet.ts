import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { AppSpec } from './scale-app.main';
import type { StoreSpec } from './store-spec';
import { stopChild } from '../../setup/stop-child';

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
  const [fleet] = (await startSharedFleets({ platform, fleets: [{ store, ports }], storeTimeout })).fleets;
  return fleet;
}

/**
 * Several fleets of the same size (one per store) served by the same processes: process `i`
 * runs app `i` of every fleet, each on its own port. Cheaper to start than one process per app,
 * and each fleet's apps are still in separate processes.
 */
export async function startSharedFleets({
  platform,
  fleets,
  storeTimeout = 1000,
}: {
  platform: Platform | Platform[];
  fleets: { store: StoreSpec; ports: number[] }[];
  storeTimeout?: number;
}): Promise<{ fleets: Fleet[]; stop(): Promise<void> }> {
  const size = fleets[0].ports.length;
  const children = Array.from({ length: size }, (_, i) => {
    const apps: AppSpec[] = fleets.map(({ store, ports }) => ({ port: ports[i], store }));
    return spawn(process.execPath, ['-r', join(__dirname, 'register-swc.js'), join(__dirname, 'scale-app.main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        PLATFORM: Array.isArray(platform) ? platform[i % platform.length] : platform,
        APPS: JSON.stringify(apps),
        SECRET,
        STORE_TIMEOUT: String(storeTimeout),
      },
    });
  });
  const stop = () => Promise.all(children.map((child) => stopChild(child))).then(() => undefined);
  try {
    await Promise.all(
      children.map((child, i) =>
        ready(
          child,
          fleets.map(({ ports }) => ports[i]),
        ),
      ),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const pids = children.map((child) => child.pid as number);
  return { fleets: fleets.map(({ ports }) => ({ urls: ports.map((port) => `http://127.0.0.1:${port}`), pids, stop })), stop };
}

function ready(child: ChildProcessWithoutNullStreams, ports: number[]): Promise<void> {
  const port = ports.join(', ');
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
      if (ports.every((one) => out.includes(`ready ${one}\n`))) {
        clearTimeout(timer);
        resolvePromise();
      }
    });
    child.once('exit', (code) => fail(new Error(`app process on ${port} exited with ${code} before listening\n${err}`)));
  });
}
