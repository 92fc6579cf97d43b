import * as crypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionIdSigner } from '../../lib/utils/crypto';

// The real createHmac, counted: the point of the signer's memory is the HMACs it does not compute.
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, createHmac: vi.fn((...args: Parameters<typeof real.createHmac>) => real.createHmac(...args)) };
});
const hmacs = vi.mocked(crypto.createHmac);

const SECRET = 's'.repeat(32);
const OLD = 'o'.repeat(32);
const id = (n: number) => crypto.createHash('sha256').update(String(n)).digest('base64url');

/** Every value that differs from `value` in one character, each position turned into another id character. */
function oneCharacterOff(value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i++) {
    if (i === 43) continue;
    out.push(value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1));
  }
  return out;
}

describe('the session id signer remembers the values that verified', () => {
  beforeEach(() => {
    hmacs.mockClear();
  });

  it('checks a returning cookie without an HMAC, and gives the same answer', () => {
    const signer = new SessionIdSigner([SECRET]);
    const value = signer.sign(id(1));
    hmacs.mockClear();
    expect(signer.unsign(value)).toEqual({ id: id(1), keyIndex: 0 });
    expect(hmacs).toHaveBeenCalledTimes(1);
    expect(signer.unsign(value)).toEqual({ id: id(1), keyIndex: 0 });
    expect(signer.unsign(value)).toEqual({ id: id(1), keyIndex: 0 });
    expect(hmacs).toHaveBeenCalledTimes(1);
  });

  it('remembers which secret signed a value, so a cookie of the old secret is still re-signed', () => {
    const value = new SessionIdSigner([OLD]).sign(id(2));
    const signer = new SessionIdSigner([SECRET, OLD]);
    expect(signer.unsign(value)).toEqual({ id: id(2), keyIndex: 1 });
    expect(signer.unsign(value)).toEqual({ id: id(2), keyIndex: 1 });
  });

  it('still refuses every value one character off a remembered one, each with a full check', () => {
    const signer = new SessionIdSigner([SECRET]);
    const value = signer.sign(id(3));
    expect(signer.unsign(value)).not.toBeNull();
    const forged = oneCharacterOff(value);
    hmacs.mockClear();
    for (const candidate of forged) expect(signer.unsign(candidate)).toBeNull();
    // Refused values are never remembered: asked again, each is checked again.
    for (const candidate of forged) expect(signer.unsign(candidate)).toBeNull();
    expect(hmacs).toHaveBeenCalledTimes(2 * forged.length);
  });

  it('keeps what it remembers to the signer: other secrets or another cookie name refuse it', () => {
    const signer = new SessionIdSigner([SECRET], 'app_session');
    const value = signer.sign(id(4));
    expect(signer.unsign(value)).not.toBeNull();
    expect(new SessionIdSigner([OLD], 'app_session').unsign(value)).toBeNull();
    expect(new SessionIdSigner([SECRET], 'admin_session').unsign(value)).toBeNull();
  });

  it('is bounded: past 8,192 values the oldest is checked again, with the same answer', () => {
    const signer = new SessionIdSigner([SECRET]);
    const values = Array.from({ length: 8200 }, (_, n) => signer.sign(id(n)));
    for (const value of values) expect(signer.unsign(value)).not.toBeNull();
    hmacs.mockClear();
    // The newest are remembered; the first eight were dropped and cost an HMAC each.
    for (const value of values.slice(-100)) signer.unsign(value);
    expect(hmacs).toHaveBeenCalledTimes(0);
    for (let n = 0; n < 8; n++) expect(signer.unsign(values[n])).toEqual({ id: id(n), keyIndex: 0 });
    expect(hmacs).toHaveBeenCalledTimes(8);
  });
});
