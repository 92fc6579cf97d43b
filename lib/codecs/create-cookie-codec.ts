import type { ResolvedSessionOptions } from '../utils/resolve-options';
import type { CookieCodec } from './codec.interface';
import { FlaskCookieCodec } from './flask-cookie.codec';
import { EncryptedCookieCodec, SignedCookieCodec } from './signed-cookie.codec';

/** The cookie store's wire format named by the `cookieFormat` option. */
export function createCookieCodec(options: ResolvedSessionOptions): CookieCodec {
  switch (options.cookieFormat) {
    case 'encrypted':
      return new EncryptedCookieCodec(options.secrets, options.maxDepth, options.cookie.name);
    case 'flask':
      // Flask's key stays Flask's (no cookie name in it), so a Flask app keeps reading the cookie.
      // The creation time rides along only when a timeout needs it, so cookies stay Flask's bytes.
      return new FlaskCookieCodec(options.secrets, options.maxDepth, options.absoluteTimeout > 0);
    default:
      return new SignedCookieCodec(options.secrets, options.maxDepth, options.cookie.name);
  }
}
