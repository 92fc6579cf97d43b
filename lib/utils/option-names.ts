import { SessionOptionsError } from '../errors';

/** Every key `SessionModule.forRoot()` accepts; anything else is a typo or a guess, refused. */
export const OPTION_KEYS: readonly string[] = [
  'secret',
  'store',
  'cookie',
  'permanent',
  'lifetime',
  'refreshEachRequest',
  'idleTimeout',
  'absoluteTimeout',
  'cookieFormat',
  'storeTimeout',
  'onStoreError',
  'maxSize',
  'maxDepth',
  'asyncContext',
  'requestSession',
  'userKey',
  'csrf',
  'devices',
  'maxSessionsPerUser',
  'onLimit',
  'metrics',
];

/** Every key of the `cookie` option. */
export const COOKIE_OPTION_KEYS: readonly string[] = ['name', 'domain', 'path', 'httpOnly', 'secure', 'sameSite', 'partitioned'];

/**
 * Names other session libraries use for the same thing (express-session, @fastify/session,
 * Flask), which no spelling rule would find.
 */
const ALIASES: Readonly<Record<string, string>> = {
  maxAge: 'lifetime',
  ttl: 'lifetime',
  expires: 'lifetime',
  rolling: 'refreshEachRequest',
  keys: 'secret',
  name: 'cookie.name',
  domain: 'cookie.domain',
  path: 'cookie.path',
  secure: 'cookie.secure',
  sameSite: 'cookie.sameSite',
  httpOnly: 'cookie.httpOnly',
};

/**
 * Refuses keys that are not options, naming the nearest valid one: an option that is silently
 * ignored (`format: 'flask'` for `cookieFormat`) is worse than an app that will not start.
 * `prefix` is `'cookie.'` for the keys inside `cookie: {…}`.
 */
export function assertKnownKeys(options: object, known: readonly string[], prefix = ''): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    const guess = near ? prefix + near : prefix ? undefined : ALIASES[key];
    const hint = guess ? ` — did you mean "${guess}"?` : ` — valid options are ${known.map((k) => prefix + k).join(', ')}.`;
    throw new SessionOptionsError(`unknown option "${prefix}${key}"${hint}`);
  }
}

/**
 * The valid name closest to `key`, or undefined when none is close. Case is ignored; a name that
 * contains the key, or is contained in it (`format` in `cookieFormat`, `timeout` in
 * `storeTimeout`), counts as close, and so does an edit distance of at most a third of the name.
 */
export function nearest(key: string, known: readonly string[]): string | undefined {
  const wanted = normalize(key);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const name of known) {
    const candidate = normalize(name);
    let score = editDistance(wanted, candidate);
    const contains = wanted.length >= 3 && (candidate.includes(wanted) || wanted.includes(candidate));
    // A containment ranks after a one-letter typo: `store_timeout` is `storeTimeout`, not `store`.
    if (contains) score = Math.min(score, 1 + Math.abs(candidate.length - wanted.length) / 10);
    else if (score > Math.max(1, Math.floor(Math.max(wanted.length, candidate.length) / 3))) continue;
    if (score < bestScore) {
      best = name;
      bestScore = score;
    }
  }
  return best;
}

/** Case, `_` and `-` are ignored: `store_timeout` and `StoreTimeout` both mean `storeTimeout`. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/** Levenshtein distance; option names are short, so the plain two-row table is enough. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
