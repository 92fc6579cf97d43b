import { SessionArgumentError } from '../errors';

/**
 * A Python tuple. Flask keeps tuples apart from lists on the wire (`{" t": [...]}`), and stores
 * each flash message as a `(category, message)` tuple, so a value read from a Flask cookie must
 * stay a tuple when Nest writes it back. It is a real array, so `session.get('_flashes')` reads
 * as an array of pairs; methods that build new arrays (`map`, `filter`, ...) return plain arrays.
 * The type parameter is the tuple's shape, e.g. `FlaskTuple<[string, string]>` for a flash.
 */
export class FlaskTuple<T extends readonly unknown[] = unknown[]> extends Array<T[number]> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  // Spread, so that `new FlaskTuple(3)` is the tuple `(3,)` and not an empty array of length 3.
  constructor(...items: T) {
    super();
    this.push(...items);
  }
}

/**
 * HTML that is already safe, as markupsafe's `Markup`. Flask tags anything with an `__html__`
 * method as Markup (`{" m": "..."}`); this class lets Nest code read and write such values
 * without them turning into plain strings that a Jinja template would escape again.
 */
export class Markup {
  constructor(readonly html: string) {}

  __html__(): string {
    return this.html;
  }

  toString(): string {
    return this.html;
  }
}

/** Python's `UUID.hex`: how Flask writes a UUID. */
export const UUID_HEX = /^[0-9a-f]{32}$/i;
const UUID_CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A Python `uuid.UUID`. JavaScript has no UUID type, and a plain string would come back to
 * Flask as `str`, so UUIDs read from a Flask session are kept in this class and written back as
 * `{" u": "<32 hex>"}`.
 */
export class FlaskUuid {
  /** The 32 lowercase hex digits (Python's `UUID.hex`). */
  readonly hex: string;

  /** Accepts the canonical form (`8-4-4-4-12`) or 32 hex digits, in either case. */
  constructor(value: string) {
    if (!UUID_HEX.test(value) && !UUID_CANONICAL.test(value)) {
      throw new SessionArgumentError(`not a UUID: ${JSON.stringify(value)}`);
    }
    this.hex = value.replace(/-/g, '').toLowerCase();
  }

  /** The canonical form, as Python's `str(uuid)`. */
  toString(): string {
    const h = this.hex;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}
