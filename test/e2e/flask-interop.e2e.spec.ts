import { Controller, Get, Query } from '@nestjs/common';
import { FlaskTuple, FlaskUuid, Markup, Session, SessionModule } from '../../lib';
import { startFlask, type FlaskServer } from '../flask/flask-server';
import { describeWith } from '../setup/services';
import { cookieAttributes, createTestApp, PLATFORMS, type TestApp } from './app';

/*
 * A real Flask app (test/flask/app.py) and a Nest app with `cookieFormat: 'flask'` share one
 * session cookie, as they would behind one domain: each reads what the other wrote, with every
 * Python type intact. Both sides describe the session they received in the same type-annotated
 * JSON, so a test compares what Flask sees with what Nest sees.
 */

const NEW_SECRET = 'flask-interop-new-secret-0123456789abcdef';
const OLD_SECRET = 'flask-interop-old-secret-0123456789abcdef';
const LIFETIME_SECONDS = 3600;

/** The values test/flask/app.py stores, built from JavaScript. */
const SAMPLE: Record<string, unknown> = {
  tuple: new FlaskTuple(1, 'two', new FlaskTuple(3, 4)),
  bytes: Buffer.from([0, 37, 74, 111, 148, 185, 222, 255]),
  markup: new Markup('<b>bold</b> &amp; safe'),
  uuid: new FlaskUuid('7d444840-9dc0-11d1-b245-5ffdce74fad2'),
  when: new Date('2024-01-02T03:04:05Z'),
  tagged: { ' t': 'not a tuple' },
  nested: [[1, [2, [3]]], { a: [true, null, 1.5] }],
  text: 'h\u00e9llo \u2603 \u{1F600}',
  user_id: 42,
};
const FILLER = 'lorem ipsum dolor sit amet '.repeat(200);

/** How both apps describe SAMPLE: each value with its Python type. */
const DESCRIBED: Record<string, unknown> = {
  tuple: { tuple: [{ int: 1 }, { str: 'two' }, { tuple: [{ int: 3 }, { int: 4 }] }] },
  bytes: { bytes: 'ACVKb5S53v8=' },
  markup: { markup: '<b>bold</b> &amp; safe' },
  uuid: { uuid: '7d444840-9dc0-11d1-b245-5ffdce74fad2' },
  when: { datetime: '2024-01-02T03:04:05.000Z' },
  tagged: { dict: { ' t': { str: 'not a tuple' } } },
  nested: {
    list: [{ list: [{ int: 1 }, { list: [{ int: 2 }, { list: [{ int: 3 }] }] }] }, { dict: { a: { list: [{ bool: true }, { none: null }, { float: 1.5 }] } } }],
  },
  text: { str: 'h\u00e9llo \u2603 \u{1F600}' },
  user_id: { int: 42 },
};
const EMPTY = { session: { dict: {} }, permanent: false };
const FLASHES = [
  ['info', 'Welcome back'],
  ['warning', 'Disk almost full'],
  ['message', 'Plain message'],
];

/** The Nest twin of test/flask/app.py's `describe`. */
function describeValue(value: unknown): unknown {
  if (typeof value === 'boolean') return { bool: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { int: value } : { float: value };
  if (value === null) return { none: null };
  if (value instanceof Markup) return { markup: value.html };
  if (typeof value === 'string') return { str: value };
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('base64') };
  if (value instanceof FlaskUuid) return { uuid: String(value) };
  if (value instanceof Date) return { datetime: value.toISOString() };
  if (value instanceof FlaskTuple) return { tuple: value.map(describeValue) };
  if (Array.isArray(value)) return { list: value.map(describeValue) };
  if (typeof value === 'object') {
    return { dict: Object.fromEntries(Object.entries(value).map(([key, item]) => [key, describeValue(item)])) };
  }
  throw new TypeError(`no description for ${typeof value}`);
}

function snapshot(session: Session) {
  const data = Object.fromEntries(session.keys().map((key) => [key, session.get(key)]));
  return { session: describeValue(data), permanent: session.permanent };
}

/** The routes of test/flask/app.py, on the Nest side. */
@Controller('nest')
class NestSideController {
  @Get('set')
  set(@Session() session: Session, @Query('keys') keys?: string, @Query('large') large?: string, @Query('permanent') permanent?: string) {
    for (const key of keys ? keys.split(',') : Object.keys(SAMPLE)) session.set(key, SAMPLE[key]);
    if (large) session.set('filler', FILLER);
    if (permanent) session.permanent = true;
    return snapshot(session);
  }

  @Get('dump')
  dump(@Session() session: Session) {
    return snapshot(session);
  }

  @Get('touch')
  touch(@Session() session: Session) {
    session.set('visited', true);
    return snapshot(session);
  }

  @Get('flash')
  flash(@Session() session: Session) {
    session.flash('Welcome back', 'info');
    session.flash('Disk almost full', 'warning');
    session.flash('Plain message');
    return { ok: true };
  }

  @Get('flashes')
  flashes(@Session() session: Session) {
    return { flashes: session.getFlashedMessages({ withCategories: true }) };
  }
}

interface Reply {
  status: number;
  json: any;
  /** Attributes of the `session` Set-Cookie, if the response set one (`value` is the cookie). */
  cookie?: Record<string, string | true>;
}

/** One GET as a browser on this host would send it: cookies are shared across ports. */
async function get(url: string, cookie?: string): Promise<Reply> {
  const response = await fetch(url, { headers: cookie === undefined ? {} : { cookie: `session=${cookie}` } });
  const header = response.headers.getSetCookie().find((line) => line.startsWith('session='));
  return { status: response.status, json: await response.json(), cookie: header ? cookieAttributes(header) : undefined };
}

/** The value of the session cookie a reply set; fails the test when there is none. */
function cookieOf(reply: Reply): string {
  expect(reply.cookie).toBeDefined();
  return reply.cookie?.value as string;
}

/** Everything before the timestamp: the (possibly compressed) payload. */
function payloadSegment(cookie: string): string {
  return cookie.slice(0, cookie.lastIndexOf('.', cookie.lastIndexOf('.') - 1));
}

/** Changes one character in the middle of a cookie segment (0 payload, 1 timestamp, 2 signature). */
function tamper(cookie: string, segment: 0 | 1 | 2): string {
  const compressed = cookie.startsWith('.');
  const parts = (compressed ? cookie.slice(1) : cookie).split('.');
  const part = parts[segment];
  const at = Math.floor(part.length / 2);
  parts[segment] = part.slice(0, at) + (part[at] === 'A' ? 'B' : 'A') + part.slice(at + 1);
  return (compressed ? '.' : '') + parts.join('.');
}

function expectExpiresInLifetime(reply: Reply): number {
  const expires = Date.parse(String(reply.cookie?.expires));
  expect(Math.abs(expires - (Date.now() + LIFETIME_SECONDS * 1000))).toBeLessThan(5000);
  return expires;
}

describeWith(['flask'])('Flask interoperability (cookieFormat: flask)', () => {
  let flask: FlaskServer;
  let flaskWithOldKey: FlaskServer;
  beforeAll(async () => {
    [flask, flaskWithOldKey] = await Promise.all([
      startFlask({ secretKey: NEW_SECRET, lifetimeSeconds: LIFETIME_SECONDS }),
      startFlask({ secretKey: OLD_SECRET, lifetimeSeconds: LIFETIME_SECONDS }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([flask?.stop(), flaskWithOldKey?.stop()]);
  });

  describe.each(PLATFORMS)('on %s', (platform) => {
    let nest: TestApp;
    beforeAll(async () => {
      const module = SessionModule.forRoot({
        secret: [NEW_SECRET, OLD_SECRET],
        cookieFormat: 'flask',
        cookie: { name: 'session' },
        lifetime: LIFETIME_SECONDS * 1000,
      });
      nest = await createTestApp(platform, [module], [NestSideController]);
    });
    afterAll(() => nest?.close());

    describe('every tag type, one value per (uncompressed) cookie', () => {
      it.each(Object.keys(SAMPLE))("%s: Nest reads Flask's cookie with the type intact", async (key) => {
        const written = await get(`${flask.url}/set?keys=${key}`);
        const cookie = cookieOf(written);
        expect(cookie.startsWith('.')).toBe(false);
        const read = await get(`${nest.url}/nest/dump`, cookie);
        expect(read.status).toBe(200);
        expect(read.json).toEqual({ session: { dict: { [key]: DESCRIBED[key] } }, permanent: false });
        expect(read.json).toEqual(written.json);
      });

      it.each(Object.keys(SAMPLE))("%s: Nest writes Flask's payload byte for byte, and Flask reads it", async (key) => {
        const nestCookie = cookieOf(await get(`${nest.url}/nest/set?keys=${key}`));
        const flaskCookie = cookieOf(await get(`${flask.url}/set?keys=${key}`));
        expect(payloadSegment(nestCookie)).toBe(payloadSegment(flaskCookie));
        const read = await get(`${flask.url}/dump`, nestCookie);
        expect(read.json).toEqual({ session: { dict: { [key]: DESCRIBED[key] } }, permanent: false });
      });
    });

    describe.each([
      ['every tag type (compressed)', ''],
      ['every tag type and 5 KiB of text (compressed, too big otherwise)', '&large=1'],
    ])('%s', (_name, large) => {
      const expected = { ...DESCRIBED, ...(large ? { filler: { str: FILLER } } : {}) };

      it.each([false, true])('Flask to Nest, permanent: %s', async (permanent) => {
        const written = await get(`${flask.url}/set?keys=${large}${permanent ? '&permanent=1' : ''}`);
        const cookie = cookieOf(written);
        expect(cookie.startsWith('.')).toBe(true);
        const read = await get(`${nest.url}/nest/dump`, cookie);
        expect(read.json).toEqual({ session: { dict: expected }, permanent });
        expect(read.json).toEqual(written.json);
      });

      it.each([false, true])('Nest to Flask, permanent: %s', async (permanent) => {
        const written = await get(`${nest.url}/nest/set?keys=${large}${permanent ? '&permanent=1' : ''}`);
        const cookie = cookieOf(written);
        expect(cookie.startsWith('.')).toBe(true);
        const read = await get(`${flask.url}/dump`, cookie);
        expect(read.json).toEqual({ session: { dict: expected }, permanent });
        expect(read.json).toEqual(written.json);
      });
    });

    it('keeps every type through Flask, Nest and Flask again', async () => {
      const fromFlask = cookieOf(await get(`${flask.url}/set`));
      const touched = await get(`${nest.url}/nest/touch`, fromFlask);
      const fromNest = cookieOf(touched);
      const expected = { session: { dict: { ...DESCRIBED, visited: { bool: true } } }, permanent: false };
      expect(touched.json).toEqual(expected);
      expect((await get(`${flask.url}/dump`, fromNest)).json).toEqual(expected);
      expect((await get(`${nest.url}/nest/dump`, fromNest)).json).toEqual(expected);
    });

    describe('permanent sessions', () => {
      it("Flask's permanent cookie stays permanent in Nest, which renews it to the same Expires", async () => {
        const written = await get(`${flask.url}/set?keys=user_id&permanent=1`);
        const flaskExpires = expectExpiresInLifetime(written);
        const read = await get(`${nest.url}/nest/dump`, cookieOf(written));
        expect(read.json).toEqual({ session: { dict: { user_id: { int: 42 } } }, permanent: true });
        expect(Math.abs(expectExpiresInLifetime(read) - flaskExpires)).toBeLessThan(5000);
      });

      it("Nest's permanent cookie is permanent for Flask, which renews it to the same Expires", async () => {
        const written = await get(`${nest.url}/nest/set?keys=user_id&permanent=1`);
        const nestExpires = expectExpiresInLifetime(written);
        const read = await get(`${flask.url}/dump`, cookieOf(written));
        expect(read.json).toEqual({ session: { dict: { user_id: { int: 42 } } }, permanent: true });
        expect(Math.abs(expectExpiresInLifetime(read) - nestExpires)).toBeLessThan(5000);
      });

      it('neither gives a non-permanent session an Expires, and both set the same cookie flags', async () => {
        const fromFlask = await get(`${flask.url}/set?keys=user_id`);
        const fromNest = await get(`${nest.url}/nest/set?keys=user_id`);
        for (const reply of [fromFlask, fromNest]) {
          expect(reply.cookie).toMatchObject({ httponly: true, path: '/', samesite: 'Lax' });
          expect(reply.cookie?.expires).toBeUndefined();
        }
        expect((await get(`${flask.url}/dump`, cookieOf(fromNest))).json.permanent).toBe(false);
        expect((await get(`${nest.url}/nest/dump`, cookieOf(fromFlask))).json.permanent).toBe(false);
      });
    });

    describe('flash messages', () => {
      it('Nest reads the messages Flask flashed, with categories, and deletes the emptied session', async () => {
        const flashed = cookieOf(await get(`${flask.url}/flash`));
        const read = await get(`${nest.url}/nest/flashes`, flashed);
        expect(read.json).toEqual({ flashes: FLASHES });
        expect(read.cookie?.value).toBe('');
        expect(Date.parse(String(read.cookie?.expires))).toBeLessThanOrEqual(Date.now());
      });

      it('Flask reads the messages Nest flashed, with categories', async () => {
        const flashed = cookieOf(await get(`${nest.url}/nest/flash`));
        const read = await get(`${flask.url}/flashes`, flashed);
        expect(read.json.flashes).toEqual(FLASHES);
        expect(read.cookie?.value).toBe('');
      });

      it('Flask sees the messages Nest flashed as (category, message) tuples, as its own', async () => {
        const flashed = cookieOf(await get(`${nest.url}/nest/flash`));
        expect((await get(`${flask.url}/flashes`, flashed)).json.types).toEqual(['tuple']);
      });

      it('one queue: messages flashed by Flask then Nest come out of Flask in order', async () => {
        const byFlask = cookieOf(await get(`${flask.url}/flash`));
        const byBoth = cookieOf(await get(`${nest.url}/nest/flash`, byFlask));
        expect((await get(`${flask.url}/flashes`, byBoth)).json.flashes).toEqual([...FLASHES, ...FLASHES]);
      });
    });

    describe('tampering', () => {
      const cases: [string, 0 | 1 | 2][] = [
        ['payload', 0],
        ['timestamp', 1],
        ['signature', 2],
      ];

      it.each(cases)('a cookie from Flask with a changed %s is an empty session for both', async (_name, segment) => {
        for (const path of ['/set?keys=user_id', '/set']) {
          const forged = tamper(cookieOf(await get(`${flask.url}${path}`)), segment);
          for (const url of [`${flask.url}/dump`, `${nest.url}/nest/dump`]) {
            const read = await get(url, forged);
            expect(read.status).toBe(200);
            expect(read.json).toEqual(EMPTY);
          }
        }
      });

      it.each(cases)('a cookie from Nest with a changed %s is an empty session for both', async (_name, segment) => {
        for (const path of ['/nest/set?keys=user_id', '/nest/set']) {
          const forged = tamper(cookieOf(await get(`${nest.url}${path}`)), segment);
          for (const url of [`${flask.url}/dump`, `${nest.url}/nest/dump`]) {
            const read = await get(url, forged);
            expect(read.status).toBe(200);
            expect(read.json).toEqual(EMPTY);
          }
        }
      });
    });

    describe('key rotation (Nest: [new, old]; one Flask on the old key, one on the new)', () => {
      it('Nest reads a cookie signed with the old key and re-signs it with the new one', async () => {
        const old = cookieOf(await get(`${flaskWithOldKey.url}/set?keys=user_id`));
        const read = await get(`${nest.url}/nest/dump`, old);
        expect(read.json).toEqual({ session: { dict: { user_id: { int: 42 } } }, permanent: false });
        const resigned = cookieOf(read);
        expect(resigned).not.toBe(old);
        expect((await get(`${flask.url}/dump`, resigned)).json).toEqual(read.json);
        expect((await get(`${flaskWithOldKey.url}/dump`, resigned)).json).toEqual(EMPTY);
      });

      it('Nest signs with the new key: Flask on the new key reads it, Flask on the old key does not', async () => {
        const cookie = cookieOf(await get(`${nest.url}/nest/set?keys=user_id`));
        expect((await get(`${flask.url}/dump`, cookie)).json).toEqual({ session: { dict: { user_id: { int: 42 } } }, permanent: false });
        expect((await get(`${flaskWithOldKey.url}/dump`, cookie)).json).toEqual(EMPTY);
      });
    });
  });
});
