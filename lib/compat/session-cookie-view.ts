import type { Session } from '../interfaces/session.interface';

/** What `req.session.cookie` reports: the module's cookie settings, as express-session names them. */
export interface RequestSessionCookieInfo {
  /** Cookie path. @default '/' */
  path?: string;
  /** Cookie domain. @default undefined */
  domain?: string;
  /** Secure flag as configured (`'auto'` follows the request). @default false */
  secure?: boolean | 'auto';
  /** SameSite as configured. @default 'lax' */
  sameSite?: 'lax' | 'strict' | 'none' | boolean;
}

/**
 * express-session's `req.session.cookie`, read from the session instead of stored in it. A
 * permanent session reports the module's lifetime (its cookie carries Expires = now + lifetime
 * when it is sent); a non-permanent one reports `null`, a browser-session cookie, as
 * express-session does. Assigning `maxAge` or `expires` only switches `permanent`: the lifetime is
 * one setting of the module, so that the server-side expiry and the cookie always agree.
 */
export class SessionCookieView {
  readonly httpOnly = true;

  constructor(
    private readonly session: Session,
    private readonly lifetime: number,
    private readonly attributes: RequestSessionCookieInfo = {},
  ) {}

  get path(): string {
    return this.attributes.path ?? '/';
  }
  get domain(): string | undefined {
    return this.attributes.domain;
  }
  get secure(): boolean | 'auto' {
    return this.attributes.secure ?? false;
  }
  get sameSite(): 'lax' | 'strict' | 'none' | boolean {
    return this.attributes.sameSite ?? 'lax';
  }

  /** Milliseconds the cookie lives for, or `null` for a cookie that ends with the browser. */
  get maxAge(): number | null {
    return this.session.permanent ? this.lifetime : null;
  }
  set maxAge(value: number | null) {
    this.session.permanent = typeof value === 'number' && value > 0;
  }
  get originalMaxAge(): number | null {
    return this.maxAge;
  }
  get expires(): Date | null {
    return this.session.permanent ? new Date(Date.now() + this.lifetime) : null;
  }
  set expires(value: Date | null) {
    this.session.permanent = value instanceof Date && value.getTime() > Date.now();
  }

  toJSON(): Record<string, unknown> {
    return { originalMaxAge: this.originalMaxAge, expires: this.expires, httpOnly: true, path: this.path, domain: this.domain, secure: this.secure, sameSite: this.sameSite };
  }
}
