import { TaggedJsonCodec } from '../../lib/codecs/tagged-json.codec';
import { CsrfTokens } from '../../lib/session/csrf-tokens';
import { CSRF_KEY } from '../../lib/contract/session-keys';
import { SessionState } from '../../lib/session/session-state';

const SECRET = 'unit-test-secret-that-is-at-least-32-characters';
const codec = new TaggedJsonCodec();
const state = () => new SessionState({ id: null, isNew: true, createdAt: 0, touchedAt: 0 }, {}, codec);
const NOW = 1_800_000_000_000;

describe('CsrfTokens', () => {
  const tokens = new CsrfTokens([SECRET], 'session', 0);

  it('creates the secret once, on the first token, and marks the session written and accessed', () => {
    const session = state();
    tokens.issue(session, NOW);
    const secret = session.read(CSRF_KEY);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.accessed).toBe(true);
    expect(session.snapshot().set).toEqual({ [CSRF_KEY]: secret });
    tokens.issue(session, NOW);
    expect(session.read(CSRF_KEY)).toBe(secret);
  });

  it('refuses any single changed byte of a token', () => {
    const session = state();
    const token = Buffer.from(tokens.issue(session, NOW), 'base64url');
    for (let i = 0; i < token.length; i++) {
      const forged = Buffer.from(token);
      forged[i] ^= 0x01;
      expect(tokens.check(session, forged.toString('base64url'), NOW)).not.toBeNull();
    }
    expect(tokens.check(session, token.toString('base64url'), NOW)).toBeNull();
  });

  it('refuses a token from more than a minute in the future, and one past maxAge', () => {
    const session = state();
    const future = tokens.issue(session, NOW + 120_000);
    expect(tokens.check(session, future, NOW)).toBe('expired');
    expect(tokens.check(session, tokens.issue(session, NOW + 30_000), NOW)).toBeNull();
    const limited = new CsrfTokens([SECRET], 'session', 60_000);
    const token = limited.issue(session, NOW);
    expect(limited.check(session, token, NOW + 60_000)).toBeNull();
    expect(limited.check(session, token, NOW + 61_000)).toBe('expired');
  });

  it('another module secret or cookie name makes another key; a retired secret still verifies', () => {
    const session = state();
    const token = tokens.issue(session, NOW);
    expect(new CsrfTokens(['another-secret-that-is-at-least-32-characters'], 'session', 0).check(session, token, NOW)).toBe('mismatch');
    expect(new CsrfTokens([SECRET], 'other', 0).check(session, token, NOW)).toBe('mismatch');
    expect(new CsrfTokens(['a-newer-secret-that-is-at-least-32-characters', SECRET], 'session', 0).check(session, token, NOW)).toBeNull();
  });

  it('names what is wrong without the session for missing and malformed tokens', () => {
    expect(tokens.shape(undefined)).toBe('missing');
    expect(tokens.shape('')).toBe('missing');
    expect(tokens.shape(['a'])).toBe('malformed');
    expect(tokens.shape('a'.repeat(92))).toBe('malformed');
    expect(tokens.shape(`${'a'.repeat(90)}=`)).toBe('malformed');
    expect(tokens.check(state(), 'a'.repeat(91), NOW)).toBe('no-secret');
  });
});
