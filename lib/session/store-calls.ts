import { Logger } from '@nestjs/common';
import { SessionSchemaError, SessionStoreNoAnswerError, SessionStoreUnavailableError } from '../errors';
import type { SessionMetrics } from '../interfaces/session-metrics.interface';

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

  constructor(
    storeTimeout: number,
    private readonly metrics?: SessionMetrics,
  ) {
    this.bound = storeTimeout + OUTER_GRACE;
  }

  run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    // Timed only when someone listens: without the metrics option this costs one property read.
    return this.metrics?.storeCall ? this.timed(operation, call) : this.bounded(operation, call);
  }

  private async timed<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let ok = false;
    try {
      const value = await this.bounded(operation, call);
      ok = true;
      return value;
    } finally {
      this.metrics?.storeCall?.({ operation, durationMs: performance.now() - started, ok });
    }
  }

  private bounded<T>(operation: string, call: () => Promise<T>): Promise<T> {
    // One promise and one timer per call: this runs on every request that opens a session.
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown): void => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        if (isPermanent(error)) {
          reject(error);
          return;
        }
        this.logger.error(`session store ${operation} failed: ${(error as Error)?.message ?? error}`);
        reject(new SessionStoreUnavailableError(operation, error));
      };
      const timer = setTimeout(() => {
        fail(new SessionStoreNoAnswerError(this.bound));
      }, this.bound);
      let pending: Promise<T>;
      try {
        pending = call();
      } catch (error) {
        fail(error);
        return;
      }
      pending.then((value) => {
        clearTimeout(timer);
        settled = true;
        resolve(value);
      }, fail);
    });
  }
}

/** Errors that are not outages: a missing table or column stays missing however often one retries. */
function isPermanent(error: unknown): error is SessionSchemaError {
  return error instanceof SessionSchemaError;
}
