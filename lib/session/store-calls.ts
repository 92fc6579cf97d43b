import { Logger } from '@nestjs/common';
import { SessionSchemaError } from '../errors/session-schema.error';
import { SessionStoreUnavailableError } from '../errors/session.errors';

/**
 * Time a store gets beyond `storeTimeout` before the request gives up on it. Stores bound their
 * own calls to `storeTimeout` inside the database (lock and statement timeouts, deadlines in
 * scripts), so that a call that failed wrote nothing; this outer bound only catches a store that
 * cannot answer at all (a dead connection), and must fire after the store's own.
 */
const OUTER_GRACE = 500;

/**
 * Runs store calls under a time bound and turns any failure into a typed 503, logged once with
 * the operation that failed. Errors that are not outages (a missing table) pass through as they
 * are: retrying cannot fix them, so they must not read as "try again shortly".
 */
export class StoreCalls {
  private readonly logger = new Logger('SessionModule');
  private readonly bound: number;

  constructor(storeTimeout: number) {
    this.bound = storeTimeout + OUTER_GRACE;
  }

  async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.bound} ms`)), this.bound);
    });
    try {
      return await Promise.race([call(), timeout]);
    } catch (error) {
      if (isPermanent(error)) throw error;
      this.logger.error(`session store ${operation} failed: ${(error as Error)?.message ?? error}`);
      throw new SessionStoreUnavailableError(operation, error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Errors that are not outages: a missing table or column stays missing however often one retries. */
function isPermanent(error: unknown): boolean {
  return error instanceof SessionSchemaError;
}
