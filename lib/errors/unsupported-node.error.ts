import { SessionError } from './session.error';

/** The running Node.js is older than the package supports; thrown when the package is loaded. */
export class UnsupportedNodeError extends SessionError {
  readonly code = 'SESSION_NODE_UNSUPPORTED';

  constructor(
    /** The oldest supported version, e.g. `22.12.0`. */
    readonly required: string,
    /** `process.versions.node` of the running process. */
    readonly running: string,
  ) {
    super(`nest-session: needs Node.js ${required} or later, and this process runs Node.js ${running}. Install Node.js 24 (LTS) or 22.`);
    this.name = 'UnsupportedNodeError';
  }
}
