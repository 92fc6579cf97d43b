import { readCookies, serializeCookie, serializeDeletion } from '../../lib/utils/cookie';

const base = { path: '/', httpOnly: true, secure: false, sameSite: 'lax' as const, partitioned: false };

describe('cookie reading and writing', () => {
  it('reads every value of a name, in order, ignoring other cookies', () => {
    expect(readCookies('a=1; session=x; b=2; session="y"', 'session')).toEqual(['x', 'y']);
    expect(readCookies(undefined, 'session')).toEqual([]);
    expect(readCookies('sessionx=1; xsession=2', 'session')).toEqual([]);
  });

  it('reads at most three values of the name: browsers send two, floods of thousands cost an HMAC each', () => {
    const flood = Array.from({ length: 1053 }, (_, i) => `session=v${i}`).join(';');
    expect(readCookies(flood, 'session')).toEqual(['v0', 'v1', 'v2']);
    expect(readCookies(['session=a', 'session=b; x=1', 'session=c; session=d'], 'session')).toEqual(['a', 'b', 'c']);
  });

  it('reads a huge header in one linear pass, pairs without "=" included', () => {
    const noEquals = 'x;'.repeat(200_000) + 'session=late';
    const started = process.hrtime.bigint();
    expect(readCookies(noEquals, 'session')).toEqual(['late']);
    expect(readCookies('a=1;'.repeat(100_000), 'session')).toEqual([]);
    // A quadratic scan of 200,000 pairs takes minutes; a linear one, milliseconds.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
  });

  it('writes Flask-like attributes, Expires only when given', () => {
    expect(serializeCookie('session', 'abc', base)).toBe('session=abc; Path=/; HttpOnly; SameSite=Lax');
    const expires = new Date(Date.now() + 3600_000);
    const header = serializeCookie('__Host-s', 'abc', { ...base, secure: true, partitioned: true, sameSite: 'strict', expires });
    expect(header).toMatch(/^__Host-s=abc; Path=\/; Expires=.+ GMT; Max-Age=(3599|3600); HttpOnly; Secure; Partitioned; SameSite=Strict$/);
  });

  it('deletes with an empty value, Expires in 1970 and Max-Age=0, same scope', () => {
    expect(serializeDeletion('session', { ...base, domain: 'example.com', path: '/app' })).toBe(
      'session=; Path=/app; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Domain=example.com; HttpOnly; SameSite=Lax',
    );
  });

  it('refuses names and values that could inject headers or attributes', () => {
    expect(() => serializeCookie('a b', 'x', base)).toThrow(/invalid cookie name/);
    expect(() => serializeCookie('s', 'x;Domain=evil', base)).toThrow(/invalid cookie value/);
    expect(() => serializeCookie('s', 'x\r\nSet-Cookie: y', base)).toThrow(/invalid cookie value/);
  });
});
