import type { ResolvedSessionOptions } from '../utils/resolve-options';
import type { CookieCodec } from './codec.interface';
import { FlaskCookieCodec } from './flask-cookie.codec';
import { EncryptedCookieCodec, SignedCookieCodec } from './signed-cookie.codec';

/** The cookie store's wire format named by the `cookieFormat` option. */
export function createCookieCodec(options: ResolvedSessionOptions): CookieCodec {
  switch (options.cookieFormat) {
    case 'encrypted':
      return new EncryptedCookieCodec(options.secrets, options.maxDepth);
    case 'flask':
      return new FlaskCookieCodec(options.secrets, options.maxDepth);
    default:
      return new SignedCookieCodec(options.secrets, options.maxDepth);
  }
}
