import { createHmac } from 'node:crypto';
import { EncryptedCookieCodec, SignedCookieCodec } from '../../lib/codecs/signed-cookie.codec';
import { SessionIdSigner } from '../../lib/utils/crypto';

/** One hostile request: the Cookie header lines to send, and what kind of attack it is. */
export interface HostileCase {
  kind: string;
  headers: Buffer[];
}

/** What the corpus is built from: cookies the server really issued, and the secrets in play. */
export interface CorpusSeed {
  cookieName: string;
  /** Valid cookie values issued by the server under test (mutated into near-misses). */
  issued: string[];
  /** The server's current secret (to forge signed payloads that carry hostile data). */
  secret: string;
  /** A secret the server no longer accepts. */
  retiredSecret: string;
  /** Whether the server uses a server-side store (cookie holds an id) or the cookie store. */
  serverSide: boolean;
}

/** A deterministic generator (mulberry32), so a failing case can be reproduced by its index. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const NASTY = ['../', '..\\', '%2e%2e%2f', '*', '?', '[a-z]', '{', '}', '{x}', '\\', '/', '%00', '$', '.', ';', ',', '"', "'", '`', ' ', '\t'];

/**
 * At least `size` hostile Cookie headers: bad base64, bad or truncated signatures, wrong and
 * retired secrets, huge values, non-UTF-8 and control bytes, CR/LF, duplicate Cookie headers,
 * ids with path, glob and brace characters, correctly signed payloads carrying `__proto__`,
 * `constructor`, deeply nested data or unescaped tag-like keys, floods of duplicate cookies,
 * cookies signed for another cookie name, and Flask cookies with a malformed creation time.
 */
export function hostileCorpus(seed: CorpusSeed, size = 10000): HostileCase[] {
  const rnd = random(0x5e55);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- B64 is an ASCII alphabet
  const b64 = (n: number) => Array.from({ length: n }, () => pick([...B64])).join('');
  const cookie = (value: string | Buffer): Buffer => Buffer.concat([Buffer.from(`Cookie: ${seed.cookieName}=`), Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1')]);
  const flip = (value: string): string => {
    const i = Math.floor(rnd() * value.length);
    // eslint-disable-next-line @typescript-eslint/no-misused-spread -- B64 is an ASCII alphabet
    return value.slice(0, i) + pick([...B64].filter((c) => c !== value[i])) + value.slice(i + 1);
  };
  const wrong = new SessionIdSigner(['w'.repeat(40)]);
  const retired = new SessionIdSigner([seed.retiredSecret]);
  const forge = new SignedCookieCodec([seed.secret]);
  const forgeEncrypted = new EncryptedCookieCodec([seed.secret]);
  // The same secret under another cookie name: a second app on the domain (issue 11, point 10).
  const otherName = `${seed.cookieName}_other`;
  const forgeOtherName = new SignedCookieCodec([seed.secret], 32, otherName);
  const forgeOtherNameEncrypted = new EncryptedCookieCodec([seed.secret], 32, otherName);
  const otherNameIds = new SessionIdSigner([seed.secret], otherName);
  /** A cookie signed as Flask signs it, with any JSON payload (Flask's format shares no name binding). */
  const flaskSigned = (json: string): string => {
    const key = createHmac('sha1', seed.secret).update('cookie-session').digest();
    const signed = `${Buffer.from(json).toString('base64url')}.${Buffer.from([0x65, 0x53, 0xf1, 0x00]).toString('base64url')}`;
    return `${signed}.${createHmac('sha1', key).update(signed).digest('base64url')}`;
  };

  const generators: [string, () => Buffer[]][] = [
    ['random base64', () => [cookie(b64(1 + Math.floor(rnd() * 200)))]],
    ['random dotted', () => [cookie(`${b64(43)}.${b64(Math.floor(rnd() * 50))}.${b64(Math.floor(rnd() * 50))}`)]],
    ['flipped issued', () => [cookie(flip(pick(seed.issued)))]],
    [
      'truncated issued',
      () => {
        const value = pick(seed.issued);
        return [cookie(value.slice(0, Math.floor(rnd() * value.length)))];
      },
    ],
    ['extended issued', () => [cookie(pick(seed.issued) + pick(['.', 'A', '.AAAA', '=', '==', b64(5)]))]],
    ['wrong secret id', () => [cookie(wrong.sign(b64(43)))]],
    ['retired secret id', () => [cookie(retired.sign(b64(43)))]],
    ['unsigned id', () => [cookie(b64(43))]],
    [
      'path and glob in id',
      () => {
        const id = b64(20) + pick(NASTY) + b64(20);
        return [cookie(rnd() < 0.5 ? id : `${id}.${b64(43)}`)];
      },
    ],
    ['huge value', () => [cookie(b64(4000 + Math.floor(rnd() * 12000)))]],
    ['non-UTF-8 bytes', () => [cookie(Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 80) }, () => 0x80 + Math.floor(rnd() * 128))))]],
    ['control bytes', () => [cookie(Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => pick([0, 1, 7, 8, 11, 12, 27, 127]))))]],
    ['CR/LF injection', () => [cookie(`${b64(10)}${pick(['\r\n', '\n', '\r'])}Set-Cookie: admin=1`)]],
    ['duplicate cookie headers', () => [cookie(b64(43)), cookie(flip(pick(seed.issued)))]],
    ['duplicate names in one header', () => [cookie(`${b64(43)}; ${seed.cookieName}=${b64(87)}`)]],
    ['quoted and spaced', () => [cookie(`"${b64(30)}"`), Buffer.from(`Cookie:    ${seed.cookieName}  =  ${b64(20)} ;;; =;`)]],
    ['signed __proto__ payload', () => [cookie(forge.encode({ data: JSON.parse('{"__proto__":{"admin":true}}'), createdAt: Date.now() }, Date.now()))]],
    ['signed constructor payload', () => [cookie(forge.encode({ data: { constructor: { prototype: { admin: true } } }, createdAt: Date.now() }, Date.now()))]],
    [
      'signed deep payload',
      () => {
        let deep: unknown = 'x';
        for (let i = 0; i < 40 + Math.floor(rnd() * 200); i++) deep = rnd() < 0.5 ? [deep] : { a: deep };
        return [cookie(forge.encode({ data: { deep: deep as never }, createdAt: Date.now() }, Date.now()))];
      },
    ],
    ['signed bad tags', () => [cookie(forge.encode({ data: { x: { ' n': 'NaN' }, y: { ' m': 5 } }, createdAt: Date.now() }, Date.now()))]],
    ['encrypted junk', () => [cookie(forgeEncrypted.encode({ data: JSON.parse('{"__proto__":1}'), createdAt: 0 }, Date.now()).slice(0, -3) + 'AAA')]],
    // Issue 11, point 4: only the first three values are verified, so a flood costs three HMACs
    // and a valid cookie hidden behind it is not looked at.
    [
      'flood of duplicates before an issued cookie',
      () => {
        const junk = Array(4 + Math.floor(rnd() * 900))
          .fill(`${seed.cookieName}=a.b.c`)
          .join(';');
        return [cookie(`${junk};${seed.cookieName}=${pick(seed.issued)}`)];
      },
    ],
    ['issued cookie as the fourth value', () => [cookie(`${b64(43)}; ${seed.cookieName}=${b64(20)}; ${seed.cookieName}=${b64(87)}; ${seed.cookieName}=${pick(seed.issued)}`)]],
    // Issue 11, point 10: the same secret under another cookie name is not ours.
    [
      'signed for another cookie name',
      () => [
        cookie(
          pick([
            forgeOtherName.encode({ data: { n: 7 }, createdAt: Date.now() }, Date.now()),
            forgeOtherNameEncrypted.encode({ data: { n: 7 }, createdAt: Date.now() }, Date.now()),
            otherNameIds.sign(b64(43)),
          ]),
        ),
      ],
    ],
    // Issue 11, points 2 and 3: data a codec must never have written, correctly signed.
    [
      'signed nested __proto__ from JSON.parse',
      () => [cookie(forge.encode({ data: JSON.parse('{"form":{"nested":{"__proto__":{"admin":true}}}}'), createdAt: Date.now() }, Date.now()))],
    ],
    ['signed unescaped tag-like key', () => [cookie(forge.encode({ data: { meta: { ' note': 'x' } }, createdAt: Date.now() }, Date.now()))]],
    // Issue 11, point 1: a Flask cookie whose reserved creation time is not whole seconds.
    ['Flask cookie with a malformed _nest_created', () => [cookie(flaskSigned(`{"_nest_created":${pick(['"0"', '-1', '1.5', 'null', '[1]', '{" t":[1]}'])},"n":1}`))]],
    ['future timestamp', () => [cookie(forge.encode({ data: { n: 1 }, createdAt: Date.now() }, Date.now() + 86_400_000))]],
    ['ancient timestamp', () => [cookie(forge.encode({ data: { n: 1 }, createdAt: 0 }, 1000))]],
  ];

  const cases: HostileCase[] = [];
  while (cases.length < size) {
    const [kind, make] = generators[cases.length % generators.length];
    cases.push({ kind, headers: make() });
  }
  return cases;
}
