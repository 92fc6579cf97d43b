import { execFileSync } from 'node:child_process';
import { Socket } from 'node:net';

/**
 * The real servers the suites talk to. Each is probed once by the global setup; a suite whose
 * server is down skips with a loud message on a laptop, and fails in CI, where `.ci/run` sets
 * NEST_SESSION_STRICT=1.
 */
/** A Node.js the package does not support, to check what its users are told: Debian 12's own is 20. */
export const OLD_NODE = process.env.NEST_SESSION_OLD_NODE ?? '/usr/bin/node';

export const SERVICES = {
  redis: { what: 'Redis on 127.0.0.1:6379', probe: () => tcp(6379) },
  postgres: { what: 'PostgreSQL on 127.0.0.1:5432 (database test)', probe: () => tcp(5432) },
  mariadb: { what: 'MariaDB on 127.0.0.1:3306 (database test)', probe: () => tcp(3306) },
  memcached: { what: 'memcached on 127.0.0.1:11211', probe: () => tcp(11211) },
  'redis-server': {
    what: 'the redis-server and redis-sentinel binaries',
    probe: async () => (await has('redis-server', '--version')) && (await has('redis-sentinel', '--version')),
  },
  chromium: { what: 'Chromium at /usr/bin/chromium', probe: async () => has('/usr/bin/chromium', '--version') },
  flask: { what: "Python 3 with Flask (Debian's python3-flask)", probe: async () => has('/usr/bin/python3', '-c', 'import flask') },
  'old-node': {
    what: `an unsupported Node.js (major < 22) at ${OLD_NODE} (NEST_SESSION_OLD_NODE)`,
    probe: async () => has(OLD_NODE, '-e', 'process.exit(Number(process.versions.node.split(".")[0]) < 22 ? 0 : 1)'),
  },
} satisfies Record<string, { what: string; probe: () => Promise<boolean> }>;

export type ServiceName = keyof typeof SERVICES;

export const STRICT = process.env.NEST_SESSION_STRICT === '1';

/** Two tries of three seconds: a loaded CI machine must not read as a server that is down. */
async function tcp(port: number, host = '127.0.0.1'): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await connects(port, host)) return true;
  }
  return false;
}

function connects(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(3000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

async function has(command: string, ...args: string[]): Promise<boolean> {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10000 });
    return true;
  } catch {
    return false;
  }
}

/** Whether the global setup found the service up (read from the environment it set). */
export function serviceUp(name: ServiceName): boolean {
  return process.env[envName(name)] === 'up';
}

export function envName(name: ServiceName): string {
  return `NEST_SESSION_SERVICE_${name.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * `describe` when every named service is up; otherwise a skipped `describe` and a loud warning
 * naming what is missing. (In strict mode the global setup has already failed the run.)
 * Typed as `describe.skip`, the type both share (`describe` adds only `skipIf`/`runIf`).
 */
export function describeWith(names: ServiceName[]): typeof describe.skip {
  const missing = names.filter((name) => !serviceUp(name));
  if (missing.length === 0) return describe;
  const list = missing.map((name) => SERVICES[name].what).join(', ');
  // eslint-disable-next-line no-console
  console.warn(`\n!!! SKIPPED: needs ${list}, which is not reachable. CI (NEST_SESSION_STRICT=1) fails instead.\n`);
  return describe.skip;
}
