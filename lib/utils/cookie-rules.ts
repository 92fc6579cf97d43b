import { SessionOptionsError } from '../errors';

/** The cookie attributes the rules look at. */
export interface CookieRuleInput {
  name: string;
  domain?: string;
  path: string;
  secure: boolean | 'auto';
  sameSite: 'lax' | 'strict' | 'none' | false;
  partitioned: boolean;
}

/**
 * Multi-label public suffixes common enough to be typed by mistake. Single labels (`com`, `dev`,
 * `localhost`) are refused by rule; this list does not replace the whole Public Suffix List.
 */
const PUBLIC_SUFFIXES = new Set([
  'co.uk',
  'org.uk',
  'ac.uk',
  'gov.uk',
  'me.uk',
  'com.au',
  'net.au',
  'org.au',
  'co.nz',
  'co.jp',
  'ne.jp',
  'or.jp',
  'com.br',
  'com.cn',
  'com.mx',
  'co.in',
  'co.za',
  'com.tr',
  'com.sg',
  'com.hk',
  'co.kr',
  'github.io',
  'gitlab.io',
  'herokuapp.com',
  'vercel.app',
  'netlify.app',
  'pages.dev',
  'workers.dev',
  'web.app',
  'firebaseapp.com',
  'appspot.com',
  'azurewebsites.net',
  'cloudfront.net',
  'blogspot.com',
  'fly.dev',
  'onrender.com',
  'amazonaws.com',
]);

/**
 * Why the cookie needs `Secure`, when it does: browsers drop a `__Host-`/`__Secure-` cookie
 * (prefixes match in any case, RFC 6265bis), a `SameSite=None` one and a `Partitioned` one that
 * arrive without it. `undefined` when it does not.
 */
export function secureRequirement(cookie: CookieRuleInput): string | undefined {
  if (/^__host-/i.test(cookie.name)) return `its name starts with the __Host- prefix`;
  if (/^__secure-/i.test(cookie.name)) return `its name starts with the __Secure- prefix`;
  if (cookie.sameSite === 'none') return 'it is SameSite=None';
  if (cookie.partitioned) return 'it is Partitioned';
  return undefined;
}

/**
 * Refuses, at startup, cookie options that no browser would keep, each with the option and the
 * fix: a cookie the browser drops means logins that silently never stick.
 */
export function checkCookieRules(cookie: CookieRuleInput): void {
  const secure = cookie.secure !== false;
  if (cookie.sameSite === 'none' && !secure)
    throw new SessionOptionsError(`cookie.sameSite 'none' requires cookie.secure (true, or 'auto' behind HTTPS): browsers drop SameSite=None cookies without Secure.`);
  if (cookie.partitioned && !secure)
    throw new SessionOptionsError("cookie.partitioned requires cookie.secure (true, or 'auto' behind HTTPS): browsers drop Partitioned cookies without Secure.");
  const host = /^__host-/i.test(cookie.name);
  if (/^__secure-/i.test(cookie.name) && !secure) {
    throw new SessionOptionsError(
      `cookie.name ${JSON.stringify(cookie.name)}: a __Secure- cookie name requires cookie.secure (true, or 'auto' behind HTTPS), the prefix counting in any case; browsers drop it otherwise.`,
    );
  }
  if (host && (!secure || cookie.path !== '/' || cookie.domain !== undefined)) {
    throw new SessionOptionsError(
      `cookie.name ${JSON.stringify(cookie.name)}: a __Host- cookie name requires cookie.secure (true, or 'auto' behind HTTPS), cookie.path '/' and no cookie.domain, the prefix counting in any case; browsers drop it otherwise. Set those, or choose a name without the prefix.`,
    );
  }
  if (cookie.domain !== undefined) checkDomain(cookie.domain);
}

function checkDomain(domain: string): void {
  const fix = 'Give a bare host name such as "example.com" (it covers its subdomains), or leave cookie.domain unset to scope the cookie to the exact host.';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(domain)) throw new SessionOptionsError(`cookie.domain ${JSON.stringify(domain)} holds a scheme. ${fix}`);
  if (domain.includes('/')) throw new SessionOptionsError(`cookie.domain ${JSON.stringify(domain)} holds a path: use cookie.path for that. ${fix}`);
  if (domain.includes(':')) throw new SessionOptionsError(`cookie.domain ${JSON.stringify(domain)} holds a port: cookies are not scoped by port. ${fix}`);
  const name = domain.replace(/^\./, '').toLowerCase();
  if (!name.includes('.') || PUBLIC_SUFFIXES.has(name)) {
    throw new SessionOptionsError(`cookie.domain ${JSON.stringify(domain)} is a public suffix (or a single label): browsers refuse a cookie for it. ${fix}`);
  }
}
