import { createHmac, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { CSRF_KEY } from '../contract/session-keys';
import type { CsrfFailure } from '../errors/csrf-rejected.error';
import { deriveKeys } from '../utils/crypto';
import type { SessionState } from './session-state';

/** 32 random bytes per session, base64url. */
const SECRET_BYTES = 32;
const SECRET_FORMAT = /^[A-Za-z0-9_-]{43}$/;
/** Token bytes: issued-at (4, Unix seconds) + mask (32) + mask XOR HMAC (32). */
const ISSUED_BYTES = 4;
const MASK_BYTES = 32;
const TOKEN_BYTES = ISSUED_BYTES + 2 * MASK_BYTES;
/** base64url of 68 bytes: 91 characters. Anything else is refused before any decoding. */
const TOKEN_LENGTH = Math.ceil((TOKEN_BYTES * 4) / 3);
const TOKEN_FORMAT = /^[A-Za-z0-9_-]+$/;
/**
 * Masks drawn per call to the CSPRNG: a call costs microseconds whatever its size, so bytes for
 * 128 masks are drawn at once (as session ids are). A byte handed out is zeroed.
 */
const MASKS_PER_DRAW = 128;
let pool = Buffer.alloc(0);
let taken = 0;

function takeMask(into: Buffer, offset: number): void {
  if (taken + MASK_BYTES > pool.length) {
    pool = randomBytes(MASK_BYTES * MASKS_PER_DRAW);
    taken = 0;
  }
  pool.copy(into, offset, taken, taken + MASK_BYTES);
  pool.fill(0, taken, taken + MASK_BYTES);
  taken += MASK_BYTES;
}

/** Clocks of several app processes disagree a little; a token "from the future" beyond this is forged. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * Issues and checks the CSRF tokens of sessions. The session keeps only a random secret (created
 * on first use, under a reserved key that `keys()` hides); a token is
 * `issuedAt + mask + (mask XOR HMAC(key, secret + issuedAt))`, with a fresh random mask per call,
 * so no two responses carry the same bytes (BREACH compresses away nothing) and the secret itself
 * never leaves the server. The HMAC key is derived from the module's secrets, so a session secret
 * read from a cookie-store cookie is not a token either. Every module secret verifies (rotation).
 */
export class CsrfTokens {
  private readonly keys: KeyObject[];

  constructor(
    secrets: readonly string[],
    cookieName: string,
    /** Oldest accepted token in milliseconds; 0 = no limit. */
    private readonly maxAge: number,
  ) {
    this.keys = deriveKeys(secrets, 'csrf', cookieName);
  }

  /** A fresh token for the session, creating its secret when it has none (a write, saved with the session). */
  issue(state: SessionState, now = Date.now()): string {
    let secret = state.has(CSRF_KEY) ? state.read(CSRF_KEY) : undefined;
    if (typeof secret !== 'string' || !SECRET_FORMAT.test(secret)) {
      secret = randomBytes(SECRET_BYTES).toString('base64url');
      state.write(CSRF_KEY, secret);
    }
    // The page that carries the token depended on the session: it gets Vary: Cookie.
    state.accessed = true;
    const token = Buffer.allocUnsafe(TOKEN_BYTES);
    token.writeUInt32BE(Math.floor(now / 1000) >>> 0, 0);
    takeMask(token, ISSUED_BYTES);
    const value = this.value(this.keys[0], secret as string, token.subarray(0, ISSUED_BYTES));
    for (let i = 0; i < MASK_BYTES; i++) token[ISSUED_BYTES + MASK_BYTES + i] = token[ISSUED_BYTES + i] ^ value[i];
    return token.toString('base64url');
  }

  /** `null` when `token` belongs to this session's current secret; else why not. Never writes. */
  check(state: SessionState, token: unknown, now = Date.now()): CsrfFailure | null {
    const shape = this.shape(token);
    if (shape) return shape;
    const secret = state.has(CSRF_KEY) ? state.read(CSRF_KEY) : undefined;
    if (typeof secret !== 'string' || !SECRET_FORMAT.test(secret)) return 'no-secret';
    const bytes = Buffer.from(token as string, 'base64url');
    if (bytes.length !== TOKEN_BYTES) return 'malformed';
    const issued = bytes.subarray(0, ISSUED_BYTES);
    const unmasked = Buffer.allocUnsafe(MASK_BYTES);
    for (let i = 0; i < MASK_BYTES; i++) unmasked[i] = bytes[ISSUED_BYTES + i] ^ bytes[ISSUED_BYTES + MASK_BYTES + i];
    // Every key is tried, whatever matched first: the time taken says nothing about which one.
    let match = false;
    for (const key of this.keys) match = timingSafeEqual(this.value(key, secret, issued), unmasked) || match;
    if (!match) return 'mismatch';
    // Whole seconds on both sides, as itsdangerous counts a token's age: a token is never older
    // than it looks because its issue time was rounded down.
    const seconds = Math.floor(now / 1000);
    const issuedAt = issued.readUInt32BE(0);
    if (issuedAt > seconds + CLOCK_SKEW_SECONDS) return 'expired';
    if (this.maxAge > 0 && seconds - issuedAt > this.maxAge / 1000) return 'expired';
    return null;
  }

  /** What can be refused without the session: no token, or not one of ours by its shape (an oversized one included). */
  shape(token: unknown): CsrfFailure | null {
    if (token === undefined || token === null || token === '') return 'missing';
    if (typeof token !== 'string' || token.length !== TOKEN_LENGTH || !TOKEN_FORMAT.test(token)) return 'malformed';
    return null;
  }

  private value(key: KeyObject, secret: string, issued: Buffer): Buffer {
    return createHmac('sha256', key).update(secret).update(issued).digest();
  }
}
