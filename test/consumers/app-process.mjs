// Starts a compiled consumer app on a given Node binary and stops it again.
import { spawn } from 'node:child_process';

const START_TIMEOUT_MS = 30_000;

/**
 * Runs `node dist/main.js` in `cwd` with `env`, and resolves once the app printed its
 * "listening on" line. Rejects with the app's output if it exits or stays silent too long.
 */
export function startApp(nodeBin, cwd, env) {
  const child = spawn(nodeBin, ['dist/main.js'], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not print "listening on" within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const fail = (why) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${why}\n${output.trim()}`));
    };
    const onData = (chunk) => {
      output += chunk;
      if (/listening on /.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => fail(`exited early (${signal ?? code})`));
    child.on('error', (error) => fail(error.message));
  });
}

/** SIGTERM (the app closes its store through Nest's shutdown hooks), SIGKILL after 5 s. */
export function stopApp({ child }) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.removeAllListeners('exit');
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.on('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
