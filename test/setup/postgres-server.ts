import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { STRICT } from './services';

/**
 * A throwaway PostgreSQL server of a test's own, from Debian's binaries
 * (`/usr/lib/postgresql/<version>/bin`): a fresh data dir in a temp dir, trust auth, listening on
 * 127.0.0.1 only, fsync off (`-F`). A test may stop it (fast shutdown) and start it again on the
 * same data dir and port, as an outage would. PostgreSQL refuses to run as root, so as root every
 * binary runs as the `postgres` system user (`runuser -u postgres --`), which owns the temp dir.
 */
const run = promisify(execFile);

/** The bin directory of the newest PostgreSQL installed, or undefined. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, 'bin', 'initdb')) && existsSync(join(root, version, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0], 'bin') : undefined;
}

/**
 * `describe` when the PostgreSQL binaries are installed. Otherwise the suite is skipped with a loud
 * warning, or, in CI (`NEST_SESSION_STRICT=1`), the file fails at once.
 */
export function describeWithPostgresBinaries(): typeof describe.skip {
  if (postgresBinaries()) return describe;
  const message = 'needs the PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb and pg_ctl; Debian package postgresql)';
  if (STRICT) throw new Error(`nest-session tests: ${message}. NEST_SESSION_STRICT=1 turns this skip into a failure.`);
  // eslint-disable-next-line no-console
  console.warn(`\n!!! SKIPPED: ${message}, which is not installed. CI (NEST_SESSION_STRICT=1) fails instead.\n`);
  return describe.skip;
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PostgresServer {
  host: '127.0.0.1';
  port: number;
  /** Connection options for TypeORM or pg: superuser `postgres`, database `postgres`, no password. */
  connection: { type: 'postgres'; host: string; port: number; username: string; database: string };
  /** Starts the server again on the same data dir and port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Fast shutdown: open transactions are rolled back, connections cut; resolves once it is down. */
  stop(): Promise<void>;
  /** Stops the server if it runs and removes its files. */
  cleanup(): Promise<void>;
}

/** Creates a cluster in a temp dir and starts it on `port` (a free one by default). */
export async function startPostgres(port?: number): Promise<PostgresServer> {
  const bin = postgresBinaries();
  if (!bin) throw new Error('postgres-server: no PostgreSQL binaries under /usr/lib/postgresql/*/bin');
  const listen = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'nest-session-postgres-'));
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = async (command: string, args: string[], timeout = 60000) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), args];
    try {
      await run(file, argv, { timeout });
    } catch (error) {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new Error(`postgres-server: ${command} ${args.join(' ')} failed: ${(error as Error).message}\n${tail}`);
    }
  };
  let running = false;

  const server: PostgresServer = {
    host: '127.0.0.1',
    port: listen,
    connection: { type: 'postgres', host: '127.0.0.1', port: listen, username: 'postgres', database: 'postgres' },
    async start() {
      // The socket goes to the temp dir too: nothing is shared with a system PostgreSQL.
      const options = `-F -p ${listen} -c listen_addresses=127.0.0.1 -k ${dir}`;
      await pg('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '30', '-o', options, 'start']);
      running = true;
    },
    async stop() {
      await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
      running = false;
    },
    async cleanup() {
      if (running || existsSync(join(data, 'postmaster.pid'))) {
        await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']).catch(() => undefined);
        running = false;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    await server.start();
  } catch (error) {
    await server.cleanup();
    throw error;
  }
  return server;
}
