import { inflateRawSync } from 'node:zlib';
import { EncryptedCookieCodec, SignedCookieCodec } from '../../lib/codecs/signed-cookie.codec';
import { SessionIdSigner } from '../../lib/utils/crypto';

const NEW = 'n'.repeat(32);
const OLD = 'o'.repeat(32);
const payload = { data: { user_id: 42, name: 'Zoë' }, createdAt: 1_700_000_000_000 };

describe.each([
  ['signed', SignedCookieCodec],
  ['encrypted', EncryptedCookieCodec],
])('the %s cookie codec', (_name, Codec) => {
  it('round-trips data, creation time and issue time (whole seconds)', () => {
    const codec = new Codec([NEW]);
    const decoded = codec.decode(codec.encode(payload, 1_700_000_123_456));
    expect(decoded).toEqual({ ...payload, issuedAt: 1_700_000_123_000, keyIndex: 0 });
  });

  it('signs with the first secret and verifies with every one, reporting which', () => {
    const old = new Codec([OLD]).encode(payload, 1_700_000_000_000);
    expect(new Codec([NEW, OLD]).decode(old)?.keyIndex).toBe(1);
    expect(new Codec([NEW]).decode(old)).toBeNull();
    expect(new Codec([OLD]).decode(new Codec([NEW, OLD]).encode(payload, 0))).toBeNull();
  });

  it('rejects every single-character change', () => {
    const codec = new Codec([NEW]);
    const value = codec.encode(payload, 1_700_000_000_000);
    for (let i = 0; i < value.length; i++) {
      const flipped = value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
      if (flipped !== value) expect(codec.decode(flipped)).toBeNull();
    }
  });

  it('returns null, never throws, on garbage', () => {
    const codec = new Codec([NEW]);
    for (const junk of ['', '.', '..', 'a.b.c', '.eJw.AA.AA', 'x'.repeat(5000), '\u0000\u00ff', '💥.💥.💥']) {
      expect(codec.decode(junk)).toBeNull();
    }
  });
});

describe.each([
  ['signed', SignedCookieCodec],
  ['encrypted', EncryptedCookieCodec],
])('the %s cookie codec, bound to its cookie name', (_name, Codec) => {
  it('refuses a cookie made under another cookie name with the same secret', () => {
    const forApp = new Codec([NEW], 32, 'app_session').encode(payload, 1_700_000_000_000);
    expect(new Codec([NEW], 32, 'admin_session').decode(forApp)).toBeNull();
    expect(new Codec([NEW], 32, 'app_session').decode(forApp)).toMatchObject({ data: payload.data });
  });

  it('binds to "session", the default cookie name, when no name is given', () => {
    const value = new Codec([NEW]).encode(payload, 0);
    expect(new Codec([NEW], 32, 'session').decode(value)).not.toBeNull();
  });
});

describe('the signed cookie codec', () => {
  it('compresses a repetitive payload and marks it with a leading dot', () => {
    const codec = new SignedCookieCodec([NEW]);
    const big = { data: { text: 'abc'.repeat(500) }, createdAt: 0 };
    const value = codec.encode(big, 0);
    expect(value.startsWith('.')).toBe(true);
    expect(value.length).toBeLessThan(300);
    expect(codec.decode(value)?.data).toEqual(big.data);
  });

  it('keeps the data readable, while the encrypted codec hides it', () => {
    const signed = new SignedCookieCodec([NEW]).encode(payload, 0);
    const body = signed.split('.').slice(0, -2).join('.');
    const bytes = Buffer.from(body.replace(/^\./, ''), 'base64url');
    expect((body.startsWith('.') ? inflateRawSync(bytes) : bytes).toString()).toContain('user_id');
    const encrypted = new EncryptedCookieCodec([NEW]).encode(payload, 0);
    expect(Buffer.from(encrypted, 'base64url').toString('latin1')).not.toContain('user_id');
  });

  it('refuses a signed payload that carries __proto__', () => {
    const codec = new SignedCookieCodec([NEW]);
    const forged = codec.encode({ data: JSON.parse('{"__proto__":{"admin":true}}'), createdAt: 0 }, 0);
    expect(codec.decode(forged)).toBeNull();
  });
});

describe('the session id signer', () => {
  it('accepts only ids it signed, in the exact format', () => {
    const signer = new SessionIdSigner([NEW, OLD]);
    const id = 'A'.repeat(43);
    const signed = signer.sign(id);
    expect(signed).toHaveLength(87);
    expect(signer.unsign(signed)).toEqual({ id, keyIndex: 0 });
    expect(signer.unsign(new SessionIdSigner([OLD]).sign(id))).toEqual({ id, keyIndex: 1 });
    expect(signer.unsign(new SessionIdSigner(['x'.repeat(32)]).sign(id))).toBeNull();
    expect(signer.unsign(`${id}.`)).toBeNull();
    expect(signer.unsign(`../${signed.slice(3)}`)).toBeNull();
    expect(signer.unsign(signed.toLowerCase())).toBeNull();
  });

  it('refuses an id signed for another cookie name with the same secret', () => {
    const id = 'B'.repeat(43);
    const forApp = new SessionIdSigner([NEW], 'app_session').sign(id);
    expect(new SessionIdSigner([NEW], 'admin_session').unsign(forApp)).toBeNull();
    expect(new SessionIdSigner([NEW], 'app_session').unsign(forApp)).toEqual({ id, keyIndex: 0 });
    expect(new SessionIdSigner([NEW]).unsign(new SessionIdSigner([NEW], 'session').sign(id))).toEqual({ id, keyIndex: 0 });
  });
});
