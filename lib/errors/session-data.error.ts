import { SessionError } from './session.error';

/**
 * A value that cannot be kept in a session (a function, a cycle, data nested too deep, a
 * prototype key), named by its key path, or stored data that is refused on read. Not an
 * HttpException: Nest answers its generic 500 (`{"statusCode":500,"message":"Internal server
 * error"}`) and logs this message with the stack, so library internals never reach the client.
 */
export class SessionDataError extends SessionError {
  readonly code = 'SESSION_DATA_INVALID';

  constructor(message: string) {
    super(`nest-session: ${message}`);
    this.name = 'SessionDataError';
  }
}
