/**
 * Marks every error of the library, also the few that must extend another base (Nest's
 * `ServiceUnavailableException`, so that Nest answers 503; `RangeError` and `TypeError`, which
 * callers already test for). A registry symbol, so that two copies of the library in one process
 * still recognise each other's errors.
 */
const SESSION_ERROR = Symbol.for('nest-session:SessionError');

/**
 * The base of every error nest-session throws. `code` is a stable identifier of the kind of
 * failure, for code that handles errors (messages say what to do and may be reworded):
 *
 *     catch (error) { if (error instanceof SessionError && error.code === 'SESSION_STORE_UNAVAILABLE') ... }
 *
 * `instanceof SessionError` holds for every error class of the library, including those whose
 * base must be another class: they carry the library's mark, which this check reads. For the
 * subclasses, `instanceof` is the ordinary prototype check.
 */
export abstract class SessionError extends Error {
  /** Stable identifier of the kind of failure, e.g. `'SESSION_OPTIONS_INVALID'`. */
  abstract readonly code: string;

  static override [Symbol.hasInstance](value: unknown): value is SessionError {
    // `this` is the class on the right of `instanceof`: only SessionError itself reads the mark.
    if (this !== SessionError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SESSION_ERROR] === true;
  }
}

markAsSessionError(SessionError);

/**
 * Gives an error class that cannot extend {@link SessionError} (its base is fixed) the library's
 * mark, so that `instanceof SessionError` holds for its instances. The class declares its own
 * `code`.
 */
export function markAsSessionError(type: abstract new (...args: never[]) => Error): void {
  Object.defineProperty(type.prototype, SESSION_ERROR, { value: true });
}
