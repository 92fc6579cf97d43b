'use strict';
/**
 * A redis-server of the bench's own, on a free loopback port, with no RDB and no AOF: for the
 * parts that measure Redis itself (its memory, its CPU per command), where the shared server's
 * other keys and clients would count too. `stop()` ends it.
 */
const { spawn } = require('node:child_process');
const net = require('node:net');
const { stackRequire } = require('./stack');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts the server with `extraArgs` (redis-server options) and returns a client on it. */
async function startPrivateRedis(extraArgs = []) {
  const { Redis } = stackRequire('ioredis');
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let client;
  for (let attempt = 0; !client; attempt++) {
    const candidate = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    candidate.on('error', () => undefined);
    try {
      await candidate.connect();
      client = candidate;
    } catch (error) {
      candidate.disconnect();
      if (attempt > 100 || child.exitCode !== null) {
        child.kill();
        throw new Error(`redis-server on port ${port} did not start: ${error.message}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const version = /redis_version:(\S+)/.exec(await client.info('server'))?.[1];
  const stop = async () => {
    client.disconnect();
    child.kill('SIGTERM');
    await exited;
  };
  return { port, client, version, stop };
}

module.exports = { startPrivateRedis };
