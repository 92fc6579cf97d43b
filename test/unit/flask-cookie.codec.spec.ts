import { createHmac } from 'node:crypto';
import { deflateRawSync, deflateSync, inflateSync } from 'node:zlib';
import { FlaskCookieCodec } from '../../lib/codecs/flask-cookie.codec';
import { FlaskTaggedJsonCodec, FlaskTuple, FlaskUuid, Markup } from '../../lib/codecs/flask-tagged-json.codec';
import { SessionDataError } from '../../lib/errors';

/*
 * Every expected cookie below was written by Flask 2.2.2 (Debian's python3-flask) through
 * SecureCookieSessionInterface.get_signing_serializer(app).dumps(session) with the secret
 * `dev-secret` and itsdangerous' clock pinned to 1700000000, unless a test says otherwise.
 */
const ISSUED_AT = 1_700_000_000_000;
const codec = new FlaskCookieCodec(['dev-secret']);

/** What the session does on save: encode each top-level value, then the cookie. */
function write(session: Record<string, unknown>, using = codec): string {
  const data = Object.fromEntries(Object.entries(session).map(([key, value]) => [key, using.values.encode(value)]));
  return using.encode({ data, createdAt: 0 }, ISSUED_AT);
}

/** What the session does on load: verify the cookie, then decode each top-level value. */
function read(cookie: string, using = codec): Record<string, unknown> | null {
  const decoded = using.decode(cookie);
  if (!decoded) return null;
  return Object.fromEntries(Object.entries(decoded.data).map(([key, value]) => [key, using.values.decode(value)]));
}

/** The JSON a cookie carries, inflated when it is compressed. */
function payloadOf(cookie: string): string {
  const body = cookie.slice(0, cookie.indexOf('.', 1));
  return body.startsWith('.') ? inflateSync(Buffer.from(body.slice(1), 'base64url')).toString() : Buffer.from(body, 'base64url').toString();
}

/** An independent itsdangerous signer, to build validly signed cookies with hostile payloads. */
function signLikeFlask(body: string, secret = 'dev-secret', timestamp = 'ZVPxAA'): string {
  const key = createHmac('sha1', secret).update('cookie-session').digest();
  const signed = `${body}.${timestamp}`;
  return `${signed}.${createHmac('sha1', key).update(signed).digest('base64url')}`;
}

/**
 * The type of every value in a tree. Jest's equality treats every array alike, so tuples are
 * told from lists here.
 */
function typesOf(value: unknown): unknown {
  if (value instanceof FlaskTuple) return ['tuple', ...value.map(typesOf)];
  if (Array.isArray(value)) return ['list', ...value.map(typesOf)];
  if (value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value as object).map(([key, item]) => [key, typesOf(item)]));
  }
  return value === null ? 'null' : (value as object).constructor.name;
}

function flip(text: string, index: number): string {
  return text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1);
}

describe('FlaskCookieCodec', () => {
  describe('published test vectors', () => {
    const plain = 'eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM';
    const permanent = 'eyJfcGVybWFuZW50Ijp0cnVlLCJ1c2VyX2lkIjo0Mn0.ZVPxAA.BOYFUHGwLhaXVnTWKp80M-80AiM';

    it('writes them exactly', () => {
      expect(write({ user_id: 42 })).toBe(plain);
      expect(write({ user_id: 42, _permanent: true })).toBe(permanent);
    });

    it('reads them back, with the issue time as creation time and the first key', () => {
      expect(codec.decode(plain)).toEqual({ data: { user_id: 42 }, createdAt: ISSUED_AT, issuedAt: ISSUED_AT, keyIndex: 0 });
      expect(codec.decode(permanent)).toEqual({
        data: { _permanent: true, user_id: 42 },
        createdAt: ISSUED_AT,
        issuedAt: ISSUED_AT,
        keyIndex: 0,
      });
    });

    it('ignores createdAt when writing, as Flask has no creation time', () => {
      const data = { user_id: 42 };
      expect(codec.encode({ data, createdAt: 5 }, ISSUED_AT)).toBe(codec.encode({ data, createdAt: 123_456_789 }, ISSUED_AT));
    });
  });

  describe('every tag type, byte for byte with Flask', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['tuple (nested)', { tuple: new FlaskTuple(1, 'two', new FlaskTuple(3, 4)) }, 'eyJ0dXBsZSI6eyIgdCI6WzEsInR3byIseyIgdCI6WzMsNF19XX19.ZVPxAA.QGnuLxALw8pFm5RSkd_t7YXE1CE'],
      ['bytes', { bytes: Buffer.from([0, 37, 74, 111, 148, 185, 222, 255]) }, 'eyJieXRlcyI6eyIgYiI6IkFDVktiNVM1M3Y4PSJ9fQ.ZVPxAA.twJMNCUvzlnfizQLbNv4CH8-HcY'],
      ['Markup', { markup: new Markup('<b>bold</b> &amp; safe') }, 'eyJtYXJrdXAiOnsiIG0iOiI8Yj5ib2xkPC9iPiAmYW1wOyBzYWZlIn19.ZVPxAA.fC94ouFiqlPgz9fHcddkDUm0s-A'],
      ['datetime', { when: new Date('2024-01-02T03:04:05Z') }, 'eyJ3aGVuIjp7IiBkIjoiVHVlLCAwMiBKYW4gMjAyNCAwMzowNDowNSBHTVQifX0.ZVPxAA.qhhdpyyJVURYkKUP21PjdNtktis'],
      ['dict with a tag-like key', { tagged: { ' t': 'not a tuple' } }, 'eyJ0YWdnZWQiOnsiIGRpIjp7IiB0X18iOiJub3QgYSB0dXBsZSJ9fX0.ZVPxAA.YUuO55fqYZmAkizRFCzvHA3FVFA'],
      ['session whose only key is tag-like', { ' t': 'not a tuple' }, 'eyIgZGkiOnsiIHRfXyI6Im5vdCBhIHR1cGxlIn19.ZVPxAA.3w4Q209SM2Mk6QbC2rReyc_7rZU'],
      ['dict with a space key that is no tag', { odd: { ' x': 1 } }, 'eyJvZGQiOnsiIHgiOjF9fQ.ZVPxAA.RA2jxiZULPP2V8tuqAhT01Vpj7U'],
      [
        'nested lists, dicts and floats',
        { nested: [[1, [2, [3]]], { a: [true, null, 1.5, 1e-5, 0.0001] }] },
        'eyJuZXN0ZWQiOltbMSxbMixbM11dXSx7ImEiOlt0cnVlLG51bGwsMS41LDFlLTA1LDAuMDAwMV19XX0.ZVPxAA.UzMKlg5W0IooJNZo_CKSnv-lY4E',
      ],
      ['non-ASCII text, BMP and astral', { text: 'h\u00e9llo \u2603 \u{1F600}' }, 'eyJ0ZXh0IjoiaFx1MDBlOWxsbyBcdTI2MDMgXHVkODNkXHVkZTAwIn0.ZVPxAA.Gr6lT4V26UTyySUVsQ8sW350c-E'],
      [
        'keys sorted by code point',
        { '\u{10000}': 2, a: 3, '\uffff': 1, B: 4, '9': 6, '10': 5 },
        'eyIxMCI6NSwiOSI6NiwiQiI6NCwiYSI6MywiXHVmZmZmIjoxLCJcdWQ4MDBcdWRjMDAiOjJ9.ZVPxAA.KJ5TakxvlfaZAquRlTuA1X534Tc',
      ],
    ];

    it.each(cases)('%s: writes the cookie Flask writes', (_name, session, cookie) => {
      expect(write(session)).toBe(cookie);
    });

    it.each(cases)("%s: reads Flask's cookie back to the same values and types", (_name, session, cookie) => {
      const decoded = read(cookie);
      expect(decoded).toStrictEqual(session);
      expect(typesOf(decoded)).toEqual(typesOf(session));
    });

    it("escapes non-ASCII exactly as Python's ensure_ascii (lowercase hex, surrogate pairs)", () => {
      expect(payloadOf(write({ text: 'h\u00e9llo \u2603 \u{1F600}' }))).toBe('{"text":"h\\u00e9llo \\u2603 \\ud83d\\ude00"}');
      expect(payloadOf(write({ del: '\u007f\u2028\n\u0001"\\' }))).toBe('{"del":"\\u007f\\u2028\\n\\u0001\\"\\\\"}');
    });

    it('writes integral numbers as Python ints and others as Python floats', () => {
      // Flask: {"n": [0.1, -2.5, 1e-07, 123456.789, 10**21, -0.001]} (compressed by Python).
      const session = { n: [0.1, -2.5, 1e-7, 123456.789, 1e21, -0.001] };
      expect(payloadOf(write(session))).toBe('{"n":[0.1,-2.5,1e-07,123456.789,1000000000000000000000,-0.001]}');
      expect(read('.eJyrVspTsoo20DPU0TXSM9UxTNU1MNcxNDI2MTXTM7ew1DE0wAZ0dA30DAwMY2sBr20NPA.ZVPxAA.P_2Y_iL-m1umRWMF_ULcNP38QHo')).toStrictEqual(session);
    });

    it('reads a UUID as FlaskUuid and writes it back as 32 hex digits', () => {
      const flask = '.eJyrViotzUxRsqpWUihVslIyNDI2MTUzt8BFK9XWAgBCEgwN.ZVPxAA.uxB__pzjzBJimyPqLgig8qCGg2I';
      const session = read(flask);
      expect(session?.uuid).toBeInstanceOf(FlaskUuid);
      expect(String(session?.uuid)).toBe('12345678-1234-5678-1234-567812345678');
      expect(payloadOf(write({ uuid: new FlaskUuid('12345678-1234-5678-1234-567812345678') }))).toBe(payloadOf(flask));
    });

    it("writes Dates at whole seconds in UTC, as werkzeug's http_date", () => {
      expect(payloadOf(write({ when: new Date('0099-12-31T23:59:59.999Z') }))).toBe('{"when":{" d":"Thu, 31 Dec 0099 23:59:59 GMT"}}');
      expect(read(write({ when: new Date('2024-01-02T03:04:05.678Z') }))).toStrictEqual({ when: new Date('2024-01-02T03:04:05Z') });
    });
  });

  describe('flashes', () => {
    // Flask: flash("hello"); flash("oops", "error"). Python compresses this payload.
    const flask = '.eJyrVopPy0kszkgtVrKKrlZSKAFSSrmpxcWJ6alKOkoZqTk5-UqxtTowqdSiovwioER-fkExUDy2FgDAlxVw.ZVPxAA.ZR_o10ybnWIceQ2WAQdcdlxAy1g';

    it("reads Flask's (category, message) tuples as an array of pairs that stay tuples", () => {
      const flashes = read(flask)?._flashes as FlaskTuple<[string, string]>[];
      expect(Array.isArray(flashes)).toBe(true);
      expect(flashes.map(([category, message]) => `${category}: ${message}`)).toEqual(['message: hello', 'error: oops']);
      expect(flashes.every((pair) => pair instanceof FlaskTuple)).toBe(true);
    });

    it('writes them back as tuples, the JSON Flask wrote', () => {
      const session = read(flask) as Record<string, unknown>;
      expect(payloadOf(write(session))).toBe('{"_flashes":[{" t":["message","hello"]},{" t":["error","oops"]}]}');
    });
  });

  describe('compression', () => {
    const every = {
      bytes: Buffer.from([0, 37, 74, 111, 148, 185, 222, 255]),
      markup: new Markup('<b>bold</b> &amp; safe'),
      nested: [[1, [2, [3]]], { a: [true, null, 1.5, 1e-5, 0.0001] }],
      tagged: { ' t': 'not a tuple' },
      text: 'h\u00e9llo \u2603 \u{1F600}',
      tuple: new FlaskTuple(1, 'two', new FlaskTuple(3, 4)),
      user_id: 42,
      uuid: new FlaskUuid('12345678123456781234567812345678'),
      when: new Date('2024-01-02T03:04:05Z'),
    };
    const everyJson =
      '{"bytes":{" b":"ACVKb5S53v8="},"markup":{" m":"<b>bold</b> &amp; safe"},"nested":[[1,[2,[3]]],{"a":[true,null,1.5,1e-05,0.0001]}],' +
      '"tagged":{" di":{" t__":"not a tuple"}},"text":"h\\u00e9llo \\u2603 \\ud83d\\ude00","tuple":{" t":[1,"two",{" t":[3,4]}]},' +
      '"user_id":42,"uuid":{" u":"12345678123456781234567812345678"},"when":{" d":"Tue, 02 Jan 2024 03:04:05 GMT"}}';
    const flaskEvery =
      '.eJx1j01PwzAMhv9K5AOnMJykGaWMSYgDEogTE5euqhI1bBXph9qEgar9d7xuVy5-5Y_Xjz2B_Q1uhGwCZiGDx6ePV6vftfpOH-DIoTHDV-zndkPtlV3bzlerG7tmV6bp79loPt1psHVjcBVkeS54LnmuiqLgExiqhCE63kbvuVhoLtw1ao4LRBTFseAQzG53chKiqmcJZUmstgvMsBB7TwAiBPcTqLzfRkR3533HtlEuUZFUqaooOkSgudkx7yG4oMKhA35JFU8IStvi6IayJmwiKYn1-YBIACFVope36X96-vawd-35YjJs6D2Gkr2YlkmUCUOVYZKhZs9vGzr9Dxc4ZNc.ZVPxAA.6EM1OP7rq6xLz3o6mlHBZaNs4VQ';

    it("reads Flask's compressed cookie with every tag type", () => {
      const decoded = read(flaskEvery);
      expect(decoded).toStrictEqual(every);
      expect(typesOf(decoded)).toEqual(typesOf(every));
    });

    it("compresses with zlib (not raw deflate) behind a leading dot, over Flask's exact JSON", () => {
      const cookie = write(every);
      expect(cookie.startsWith('.')).toBe(true);
      expect(payloadOf(cookie)).toBe(everyJson);
      expect(read(cookie)).toStrictEqual(every);
      expect(typesOf(read(cookie))).toEqual(typesOf(every));
    });

    it('compresses only when that saves at least two bytes, as itsdangerous', () => {
      // {"k":"abababababab"}: zlib saves one byte, Flask leaves it plain; one more "ab" saves three.
      expect(write({ k: 'ab'.repeat(6) })).toBe('eyJrIjoiYWJhYmFiYWJhYmFiIn0.ZVPxAA.f6Qy3tf2q1Z2oNdZaKpEiApiS7w');
      expect(write({ k: 'ab'.repeat(7) }).startsWith('.')).toBe(true);
      expect(read('.eJyrVspWslJKTEKGSrUAUg8Hew.ZVPxAA.HvkvrDQI2jcRfrXQkD1dNBuv-Sg')).toEqual({ k: 'ab'.repeat(7) });
    });

    it('refuses a signed cookie that inflates past 64 KiB', () => {
      const bomb = deflateSync(Buffer.from(`{"k":"${'a'.repeat(70 * 1024)}"}`)).toString('base64url');
      expect(codec.decode(signLikeFlask(`.${bomb}`))).toBeNull();
      const fits = deflateSync(Buffer.from(`{"k":"${'a'.repeat(60 * 1024)}"}`)).toString('base64url');
      expect(read(signLikeFlask(`.${fits}`))).toEqual({ k: 'a'.repeat(60 * 1024) });
    });

    it('refuses a signed cookie whose dot-marked payload is raw deflate, not zlib', () => {
      const raw = deflateRawSync(Buffer.from('{"user_id":42}'));
      expect(codec.decode(signLikeFlask(`.${raw.toString('base64url')}`))).toBeNull();
    });
  });

  describe('tampering', () => {
    const cookie = 'eyJfcGVybWFuZW50Ijp0cnVlLCJ1c2VyX2lkIjo0Mn0.ZVPxAA.BOYFUHGwLhaXVnTWKp80M-80AiM';
    const [payload, timestamp] = cookie.split('.');

    it('rejects a changed payload, timestamp or signature', () => {
      expect(codec.decode(flip(cookie, 3))).toBeNull();
      expect(codec.decode(flip(cookie, payload.length + 2))).toBeNull();
      expect(codec.decode(flip(cookie, cookie.length - 3))).toBeNull();
    });

    it('rejects a compressed cookie turned plain or the reverse (the dot is signed)', () => {
      expect(codec.decode(`.${cookie}`)).toBeNull();
      const compressed = write({ k: 'ab'.repeat(7) });
      expect(codec.decode(compressed.slice(1))).toBeNull();
    });

    it('rejects a cookie signed with another secret', () => {
      expect(codec.decode(signLikeFlask(payload, 'other-secret', timestamp))).toBeNull();
    });

    it.each([
      ['empty', ''],
      ['no dots', 'eyJ1c2VyX2lkIjo0Mn0'],
      ['one dot', 'eyJ1c2VyX2lkIjo0Mn0.LIr3YcHFjdrdtQSuFvBzSarrgwM'],
      ['dots only', '...'],
      ['padding', 'eyJ1c2VyX2lkIjo0Mn0=.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM'],
      ['quoted', '"eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM"'],
      ['huge', `${'A'.repeat(100_000)}.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM`],
    ])('returns null for a malformed cookie (%s) without throwing', (_name, value) => {
      expect(codec.decode(value)).toBeNull();
    });

    it.each([
      ['not JSON', Buffer.from('{user_id:42}').toString('base64url')],
      ['a JSON array', Buffer.from('[1,2]').toString('base64url')],
      ['a top-level tag other than " di"', Buffer.from('{" t":[1]}').toString('base64url')],
      ['a "__proto__" key', Buffer.from('{"__proto__":{"admin":true}}').toString('base64url')],
      ['a nested "constructor" key', Buffer.from('{"a":{"constructor":{"prototype":1}}}').toString('base64url')],
      ['an escaped "prototype" key', Buffer.from('{"a":{" di":{"prototype__":1}}}').toString('base64url')],
      ['a malformed UUID tag', Buffer.from('{"u":{" u":"xyz"}}').toString('base64url')],
      ['a malformed date tag', Buffer.from('{"d":{" d":"Tue, 31 Feb 2024 03:04:05 GMT"}}').toString('base64url')],
      ['corrupt zlib data', `.${Buffer.from('not zlib at all').toString('base64url')}`],
    ])('returns null for a validly signed cookie carrying %s', (_name, body) => {
      expect(codec.decode(signLikeFlask(body))).toBeNull();
    });

    it('returns null for a timestamp longer than Unix seconds allow', () => {
      expect(codec.decode(signLikeFlask('eyJ1c2VyX2lkIjo0Mn0', 'dev-secret', 'AQIDBAUGBwg'))).toBeNull();
    });

    it("reads a future or old timestamp: ages are the caller's to check", () => {
      const old = codec.encode({ data: { user_id: 42 }, createdAt: 0 }, 1000);
      expect(codec.decode(old)).toMatchObject({ issuedAt: 1000, createdAt: 1000 });
    });
  });

  describe('key rotation', () => {
    // Flask with SECRET_KEY = "old-secret", and with SECRET_KEY = "new-secret".
    const byOld = 'eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.sMoyEzU2dlrtSHXvXm8qA2jAnjs';
    const byNew = 'eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.VlCJHgxJsg26zeuWuBzPw9uE_is';
    const rotated = new FlaskCookieCodec(['new-secret', 'old-secret']);

    it('signs with the first (newest) secret, as Flask with SECRET_KEY_FALLBACKS = [old]', () => {
      expect(write({ user_id: 42 }, rotated)).toBe(byNew);
    });

    it('verifies with every secret and reports which one matched', () => {
      expect(rotated.decode(byNew)).toMatchObject({ data: { user_id: 42 }, keyIndex: 0 });
      expect(rotated.decode(byOld)).toMatchObject({ data: { user_id: 42 }, keyIndex: 1 });
    });

    it('no longer reads cookies of a secret that was dropped', () => {
      expect(new FlaskCookieCodec(['new-secret']).decode(byOld)).toBeNull();
    });
  });
});

describe('FlaskCookieCodec carrying the creation time (absoluteTimeout)', () => {
  const carrying = new FlaskCookieCodec(['dev-secret'], 32, true);
  const CREATED = 1_699_990_000_000;

  it('writes it under the reserved key _nest_created, in Unix seconds, and reads it back', () => {
    const cookie = carrying.encode({ data: { user_id: 42 }, createdAt: CREATED + 999 }, ISSUED_AT);
    expect(JSON.parse(payloadOf(cookie))).toEqual({ _nest_created: CREATED / 1000, user_id: 42 });
    expect(carrying.decode(cookie)).toEqual({ data: { user_id: 42 }, createdAt: CREATED, issuedAt: ISSUED_AT, keyIndex: 0 });
  });

  it('keeps it when a Flask app re-signs the dict it read (Flask keeps unknown keys)', () => {
    const reissued = signLikeFlask(Buffer.from(`{"_nest_created":${CREATED / 1000},"user_id":42}`).toString('base64url'));
    expect(carrying.decode(reissued)?.createdAt).toBe(CREATED);
  });

  it('reads a cookie without it as created when issued, and never lets it lie past the issue time', () => {
    expect(carrying.decode(write({ user_id: 42 }))?.createdAt).toBe(ISSUED_AT);
    const future = signLikeFlask(Buffer.from(`{"_nest_created":${ISSUED_AT / 1000 + 99999}}`).toString('base64url'));
    expect(carrying.decode(future)?.createdAt).toBe(ISSUED_AT);
  });

  it('refuses a cookie whose creation time is not whole seconds', () => {
    for (const bad of ['"1700000000"', '-5', '1.5', 'null', '{" t":[1]}']) {
      expect(carrying.decode(signLikeFlask(Buffer.from(`{"_nest_created":${bad}}`).toString('base64url')))).toBeNull();
    }
  });

  it("writes nothing extra when off, so cookies stay byte for byte Flask's", () => {
    expect(codec.encode({ data: { user_id: 42, _nest_created: 5 }, createdAt: CREATED }, ISSUED_AT)).toBe('eyJ1c2VyX2lkIjo0Mn0.ZVPxAA.LIr3YcHFjdrdtQSuFvBzSarrgwM');
  });

  it("keeps Flask's key whatever the cookie name (no name binding in the Flask format)", () => {
    expect(carrying.decode(signLikeFlask('eyJ1c2VyX2lkIjo0Mn0'))?.data).toEqual({ user_id: 42 });
  });
});

describe('FlaskTaggedJsonCodec', () => {
  const values = new FlaskTaggedJsonCodec();

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s when reading and when writing', (key) => {
    const parsed = JSON.parse(`{"${key}":{"admin":true}}`);
    expect(() => values.decode(parsed)).toThrow(SessionDataError);
    expect(() => values.decode({ wrapper: parsed })).toThrow(SessionDataError);
    expect(() => values.encode(parsed)).toThrow(SessionDataError);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('refuses nesting deeper than maxDepth, and cycles', () => {
    const shallow = new FlaskTaggedJsonCodec(3);
    expect(shallow.encode([[[1]]])).toEqual([[[1]]]);
    expect(() => shallow.encode([[[[1]]]])).toThrow(SessionDataError);
    expect(() => shallow.decode([[[[1]]]])).toThrow(SessionDataError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => values.encode(cycle)).toThrow(SessionDataError);
  });

  it.each([
    ['a Map', new Map()],
    ['a Set', new Set()],
    ['a bigint', 1n],
    ['a function', () => 1],
    ['an invalid Date', new Date(Number.NaN)],
    ['a Date after the year 9999', new Date('+010000-01-01T00:00:00Z')],
  ])('refuses %s, which Flask cannot hold', (_name, value) => {
    expect(() => values.encode(value)).toThrow(SessionDataError);
  });

  it('tags anything with an __html__ method as Markup, as Flask does', () => {
    expect(values.encode({ __html__: () => '<i>x</i>' })).toEqual({ ' m': '<i>x</i>' });
  });

  it('refuses a " di" tag whose body is not {"<key>__": value}', () => {
    expect(() => values.decode({ ' di': { a: 1 } })).toThrow(SessionDataError);
    expect(() => values.decode({ ' di': { a__: 1, b__: 2 } })).toThrow(SessionDataError);
  });

  it('keeps FlaskTuple usable as an array without it spreading to derived arrays', () => {
    const tuple = new FlaskTuple(3);
    expect([...tuple]).toEqual([3]);
    expect(tuple.map((x) => x * 2)).not.toBeInstanceOf(FlaskTuple);
  });

  it('accepts UUIDs in canonical or hex form and refuses anything else', () => {
    expect(new FlaskUuid('12345678-1234-5678-1234-56781234ABCD').hex).toBe('1234567812345678123456781234abcd');
    expect(String(new FlaskUuid('1234567812345678123456781234ABCD'))).toBe('12345678-1234-5678-1234-56781234abcd');
    expect(() => new FlaskUuid('not-a-uuid')).toThrow(TypeError);
  });
});
