import { HttpStatus, ServiceUnavailableException } from '@nestjs/common';

/** Invalid module options; thrown at startup with what to change. */
export class SessionOptionsError extends Error {
  constructor(message: string) {
    super(`nest-session: ${message}`);
    this.name = 'SessionOptionsError';
  }
}

/**
 * A value that cannot be kept in a session (a function, a cycle, data nested too deep, a
 * prototype key), named by its key path, or stored data that is refused on read. A plain Error,
 * not an HttpException: Nest answers its generic 500 (`{"statusCode":500,"message":"Internal
 * server error"}`) and logs this message with the stack, so library internals never reach the
 * client.
 */
export class SessionDataError extends Error {
  constructor(message: string) {
    super(`nest-session: ${message}`);
    this.name = 'SessionDataError';
  }
}

/**
 * The session would exceed the cookie cap or the `maxSize` option. A plain Error, like
 * {@link SessionDataError}: the client gets Nest's generic 500, the log gets sizes and the hint.
 */
export class SessionTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
    hint: string,
  ) {
    super(`nest-session: the session is ${size} bytes, over the limit of ${limit}. ${hint}`);
    this.name = 'SessionTooLargeError';
  }
}

/**
 * The session store failed or did not answer within `storeTimeout`. Answered as 503 by Nest's
 * exception layer, so clients see "Service Unavailable" and never a stack trace.
 */
export class SessionStoreUnavailableError extends ServiceUnavailableException {
  constructor(
    readonly operation: string,
    readonly reason?: unknown,
  ) {
    super({
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      error: 'Service Unavailable',
      message: 'The session store is unavailable; try again shortly.',
    });
    this.name = 'SessionStoreUnavailableError';
  }
}

/** The session was used outside a request, or before the module was set up. */
export class SessionContextError extends Error {
  constructor(message: string) {
    super(`nest-session: ${message}`);
    this.name = 'SessionContextError';
  }
}

/** A store was asked for something it does not do (the cookie store has no server state). */
export class SessionStoreUnsupportedError extends Error {
  constructor(message: string) {
    super(`nest-session: ${message}`);
    this.name = 'SessionStoreUnsupportedError';
  }
}
