import { SetMetadata } from '@nestjs/common';

/** Metadata key of {@link SkipCsrf}. */
export const SKIP_CSRF = 'nest-session:skip-csrf';

/**
 * Exempts a handler, or every handler of a controller, from the CSRF check: webhooks signed by
 * their sender, token-authenticated APIs that never read the session cookie. Anything a browser
 * posts with the session cookie should stay checked.
 */
export const SkipCsrf = (): MethodDecorator & ClassDecorator => SetMetadata(SKIP_CSRF, true);
