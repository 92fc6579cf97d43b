import type { ChildProcess } from 'node:child_process';

/**
 * Stops a child process the way a deployment does: SIGTERM (an app closes its store), SIGKILL
 * if it has not exited after `graceMs`. Resolves once it has exited; at once if it already had.
 */
export function stopChild(child: ChildProcess | undefined, graceMs = 5000): Promise<void> {
  if (child?.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}
