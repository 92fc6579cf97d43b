import { UnsupportedNodeError } from '../errors/unsupported-node.error';

/**
 * The oldest Node.js the package supports, as package.json's `engines` says. NestJS 12's own
 * dependencies need Node 22, and CommonJS apps load NestJS 12 (ESM) through `require(esm)`,
 * unflagged from 22.12 on. Node 20 reached its end of life in April 2026.
 */
export const MIN_NODE_VERSION = '22.12.0';

/** Refuses an older Node.js with one line that names both versions, before a dependency fails obscurely. */
export function assertSupportedNode(running: string = process.versions.node): void {
  const [major, minor] = running.split('.').map(Number);
  const [minMajor, minMinor] = MIN_NODE_VERSION.split('.').map(Number);
  if (major > minMajor || (major === minMajor && minor >= minMinor)) return;
  throw new UnsupportedNodeError(MIN_NODE_VERSION, running);
}
