import { Logger } from '@nestjs/common';

const logger = new Logger('SessionModule');

/**
 * What a response says when its session could not be saved just before it was sent (GraphQL
 * saves there): the status and JSON body Nest's exception filter gives the same error on a REST
 * route. A 503 means the store failed and nothing was written; anything else is logged and
 * answered with Nest's generic 500, so no library detail reaches the client.
 */
export function commitFailure(error: unknown): { status: number; body: string } {
  const httpError = error as { getStatus?: () => number; getResponse?: () => unknown };
  if (typeof httpError?.getStatus === 'function') {
    const status = httpError.getStatus();
    const response = httpError.getResponse?.();
    return { status, body: JSON.stringify(typeof response === 'object' && response !== null ? response : { statusCode: status, message: String(response) }) };
  }
  logger.error(`session not saved before the GraphQL response: ${(error as Error)?.message ?? error}`);
  return { status: 500, body: JSON.stringify({ statusCode: 500, message: 'Internal server error' }) };
}
