/**
 * Keys the machinery keeps in the session data itself. They sit on the ground floor because both
 * sides of the wire read them: the session core writes them, and the Flask cookie codec must know
 * the flash queue to keep Flask's own format.
 */

/** Flask's keys: the permanent flag and the flash queue live in the data, as Flask keeps them. */
export const PERMANENT_KEY = '_permanent';
export const FLASHES_KEY = '_flashes';
/** The session's CSRF secret (see CsrfTokens); a new identity never keeps it. */
export const CSRF_KEY = '_csrf';

/**
 * Reserved session key of the opt-in device details (user agent, address), kept beside the data
 * so that every store with a user index holds them with no code of its own. Hidden from
 * `session.keys()`; cleared with the rest of the session on logout.
 */
export const DEVICE_KEY = '_nest_device';
