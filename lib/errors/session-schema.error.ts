import { SessionError } from './session.error';

/**
 * The session table is missing or lacks a column: the migration has not run. This is a
 * deployment mistake, not an outage, so it is never reported as "store unavailable" (503): a
 * store throws it from `start()` so the app stops at startup with what to run, and, when the
 * database was unreachable at startup, from the first call that meets the problem (the module
 * answers that request with a generic 500 and logs this message).
 */
export class SessionSchemaError extends SessionError {
  readonly code = 'SESSION_SCHEMA_MISSING';

  constructor(
    /** The table the store was configured with. */
    readonly table: string,
    /** The migration class that creates it. */
    readonly migration: string,
    /** What the database said. */
    readonly detail: string,
  ) {
    super(
      `nest-session: the session table "${table}" is missing or incomplete (${detail}). ` +
        `Run the ${migration} migration (a subclass of it for another table name), or synchronize createSessionEntity().`,
    );
    this.name = 'SessionSchemaError';
  }
}
