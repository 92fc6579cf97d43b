import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { MemorySessionStore } from '../../lib';
import { SignedCookieCodec } from '../../lib/codecs/signed-cookie.codec';
import { CookieSessionInterface } from '../../lib/session/cookie-session.interface';
import { ServerSessionInterface } from '../../lib/session/server-session.interface';
import type { OpenedSession, SessionInterface } from '../../lib/session/session-interface';
import { LateCookieError } from '../../lib/errors/late-cookie.error';
import { resolveOptions } from '../../lib/utils/resolve-options';
import { PERMANENT_KEY } from '../../lib/contract/session-keys';
import type { SessionModuleOptions } from '../../lib';

/**
 * Flask's open/save decision table, run against the two session interfaces directly (no HTTP
 * server, no Nest): Node's own request and response objects, a real in-process store.
 */
const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const OLD_SECRET = 'an-older-secret-of-thirty-two-characters!';

interface Outcome {
  setCookie: string[];
  vary: string | undefined;
  cacheControl: string | undefined;
  opened: OpenedSession;
}

function request(cookie?: string): IncomingMessage {
  const message = new IncomingMessage(new Socket());
  message.method = 'GET';
  message.url = '/';
  if (cookie) message.headers.cookie = cookie;
  return message;
}

/** One request: open, let `handle` act on the state, save. */
async function cycle(
  sessions: SessionInterface,
  cookie: string | undefined,
  handle: (opened: OpenedSession, response: ServerResponse) => unknown = () => undefined,
): Promise<Outcome> {
  const req = request(cookie);
  const res = new ServerResponse(req);
  const opened = await sessions.open(req);
  await handle(opened, res);
  await sessions.save(opened, req, res);
  const header = res.getHeader('set-cookie');
  return {
    setCookie: header === undefined ? [] : ([] as string[]).concat(header as string[]),
    vary: res.getHeader('vary') as string | undefined,
    cacheControl: res.getHeader('cache-control') as string | undefined,
    opened,
  };
}

const cookieOf = (outcome: Outcome) => outcome.setCookie[0]?.slice(0, outcome.setCookie[0].indexOf(';'));
const write = (key: string, value: unknown) => (opened: OpenedSession) => {
  opened.state.accessed = true;
  opened.state.write(key, value);
};

function kinds(overrides: Partial<SessionModuleOptions> = {}) {
  const store = new MemorySessionStore();
  const options = (extra: Partial<SessionModuleOptions> = {}) => resolveOptions({ secret: SECRET, ...overrides, ...extra });
  return [
    {
      kind: 'cookie',
      store: undefined,
      make: (extra?: Partial<SessionModuleOptions>) => new CookieSessionInterface(options(extra), new SignedCookieCodec(options(extra).secrets, 32)),
    },
    { kind: 'server', store, make: (extra?: Partial<SessionModuleOptions>) => new ServerSessionInterface(options({ store, ...extra }), store) },
  ] as const;
}

describe.each(kinds().map((k) => [k.kind, k] as const))('the %s session interface', (kind) => {
  const { make, store } = kinds().find((k) => k.kind === kind)!;
  const sessions = make();

  it('new and untouched: no cookie, nothing stored', async () => {
    const outcome = await cycle(sessions, undefined);
    expect(outcome.setCookie).toEqual([]);
    expect(outcome.vary).toBeUndefined();
    expect(store?.size ?? 0).toBe(0);
  });

  it('new and written: a cookie (HttpOnly, SameSite=Lax, no Expires), and a record for the server kind', async () => {
    const outcome = await cycle(sessions, undefined, write('user', 1));
    expect(outcome.setCookie).toHaveLength(1);
    expect(outcome.setCookie[0]).toMatch(/; HttpOnly; SameSite=Lax$/);
    expect(outcome.setCookie[0]).not.toMatch(/Expires/);
    expect(outcome.vary).toBe('Cookie');
    if (store) expect(await store.get(outcome.opened.state.origin.id!)).toMatchObject({ data: { user: 1 } });
  });

  it('existing and only read: Vary: Cookie, no Set-Cookie, no write', async () => {
    const first = cookieOf(await cycle(sessions, undefined, write('user', 2)));
    const outcome = await cycle(sessions, first, (opened) => {
      opened.state.accessed = true;
      expect(opened.state.read('user')).toBe(2);
    });
    expect(outcome.opened.state.origin.isNew).toBe(false);
    expect(outcome.setCookie).toEqual([]);
    expect(outcome.vary).toBe('Cookie');
  });

  it('existing, an object read and changed in place: the change is found and saved', async () => {
    const first = cookieOf(await cycle(sessions, undefined, write('cart', { items: ['a'] })));
    const outcome = await cycle(sessions, first, (opened) => {
      opened.state.accessed = true;
      (opened.state.read('cart') as { items: string[] }).items.push('b');
    });
    // The cookie kind carries the data, so a change is a new cookie; the server kind's cookie
    // (the same signed id, no expiry) is already right in the browser.
    expect(outcome.setCookie).toHaveLength(kind === 'cookie' ? 1 : 0);
    expect(outcome.vary).toBe('Cookie');
    expect((await cycle(sessions, cookieOf(outcome) ?? first)).opened.state.read('cart')).toEqual({ items: ['a', 'b'] });
  });

  it('existing and written: the server kind stores the change and sends no cookie unless it has an expiry to renew', async () => {
    const first = cookieOf(await cycle(sessions, undefined, write('n', 1)));
    const changed = await cycle(sessions, first, write('n', 2));
    expect(changed.setCookie).toHaveLength(kind === 'cookie' ? 1 : 0);
    expect(changed.vary).toBe('Cookie');
    if (store) expect(await store.get(changed.opened.state.origin.id!)).toMatchObject({ data: { n: 2 } });

    const permanent = make({ permanent: true });
    const kept = cookieOf(await cycle(permanent, undefined, write('n', 1)));
    const renewed = await cycle(permanent, kept, write('n', 2));
    expect(renewed.setCookie).toHaveLength(1);
    expect(renewed.setCookie[0]).toMatch(/; Expires=/);
  });

  it('made non-permanent ("remember me" off): the cookie is sent again without Expires, so it ends with the browser', async () => {
    const permanent = make({ permanent: true });
    const kept = cookieOf(await cycle(permanent, undefined, write('n', 1)));
    const ended = await cycle(permanent, kept, (opened) => {
      opened.state.accessed = true;
      opened.state.remove(PERMANENT_KEY);
    });
    expect(ended.setCookie).toHaveLength(1);
    expect(ended.setCookie[0]).toMatch(/^session=[^;]+; /);
    expect(ended.setCookie[0]).not.toMatch(/Expires=|Max-Age=/i);
  });

  it('existing, values read and one written back unchanged: no Set-Cookie, nothing written', async () => {
    const first = await cycle(sessions, undefined, (opened) => {
      write('user', 11)(opened);
      write('cart', { items: ['a'] })(opened);
    });
    const before = store ? await store.get(first.opened.state.origin.id!) : null;
    const outcome = await cycle(sessions, cookieOf(first), (opened) => {
      opened.state.accessed = true;
      opened.state.read('cart');
      opened.state.write('user', opened.state.read('user'));
    });
    expect(outcome.setCookie).toEqual([]);
    expect(outcome.vary).toBe('Cookie');
    if (store) expect(await store.get(first.opened.state.origin.id!)).toEqual(before);
  });

  it('a cookie written beside headers the app set: Vary and Cache-Control keep them and say Cookie and private once', async () => {
    const outcome = await cycle(sessions, undefined, (opened, response) => {
      response.setHeader('vary', 'Accept-Encoding');
      response.setHeader('cache-control', 'public, max-age=60');
      write('user', 12)(opened);
    });
    expect(outcome.setCookie).toHaveLength(1);
    expect(outcome.vary).toBe('Accept-Encoding, Cookie');
    expect(outcome.cacheControl).toBe('private, max-age=60');
  });

  it('existing and emptied: the cookie is deleted and the record removed', async () => {
    const first = await cycle(sessions, undefined, write('user', 3));
    const outcome = await cycle(sessions, cookieOf(first), (opened) => opened.state.removeAll());
    expect(outcome.setCookie[0]).toMatch(/^session=; .*Max-Age=0|^session=; .*Expires=Thu, 01 Jan 1970/);
    if (store) expect(await store.get(first.opened.state.origin.id!)).toBeNull();
  });

  it('permanent with refreshEachRequest: the cookie is sent again although nothing changed', async () => {
    const permanent = make({ permanent: true });
    const first = cookieOf(await cycle(permanent, undefined, write('user', 4)));
    const outcome = await cycle(permanent, first, (opened) => (opened.state.accessed = true));
    expect(outcome.setCookie).toHaveLength(1);
    expect(outcome.setCookie[0]).toMatch(/; Expires=.*; Max-Age=2678400;/);
  });

  it('signed with a retired secret: accepted, and sent again signed with the current one', async () => {
    const old = make({ secret: OLD_SECRET });
    const rotated = make({ secret: [SECRET, OLD_SECRET] });
    const first = cookieOf(await cycle(old, undefined, write('user', 5)));
    const outcome = await cycle(rotated, first);
    expect(outcome.opened.state.origin.isNew).toBe(false);
    expect(outcome.setCookie).toHaveLength(1);
    expect(cookieOf(outcome)).not.toBe(first);
    expect((await cycle(make(), cookieOf(outcome))).opened.state.origin.isNew).toBe(false);
  });

  it('tampered: a fresh empty session, never an error', async () => {
    const first = cookieOf(await cycle(sessions, undefined, write('user', 6)));
    const outcome = await cycle(sessions, `${first.slice(0, -2)}xx`);
    expect(outcome.opened.state.origin.isNew).toBe(true);
    expect(outcome.opened.state.keys()).toEqual([]);
  });

  it('regenerated: same data, a cookie sent again; on the server kind a new id, and the old cookie is worth nothing', async () => {
    const first = cookieOf(await cycle(sessions, undefined, write('user', 7)));
    const outcome = await cycle(sessions, first, (opened) => sessions.regenerate(opened.state));
    expect(outcome.setCookie).toHaveLength(1);
    if (store) expect(cookieOf(outcome)).not.toBe(first);
    expect((await cycle(sessions, cookieOf(outcome))).opened.state.read('user')).toBe(7);
    if (store) expect((await cycle(sessions, first)).opened.state.origin.isNew).toBe(true);
  });

  it('destroyed: the cookie is deleted and the record gone', async () => {
    const first = await cycle(sessions, undefined, write('user', 8));
    const outcome = await cycle(sessions, cookieOf(first), (opened) => sessions.destroy(opened.state));
    expect(outcome.setCookie[0]).toMatch(/^session=;/);
    if (store) expect(await store.get(first.opened.state.origin.id!)).toBeNull();
  });

  it('late headers on a new session: refused with LateCookieError, nothing stored', async () => {
    const before = store?.size ?? 0;
    const req = request();
    const res = new ServerResponse(req);
    const opened = await sessions.open(req);
    write('user', 9)(opened);
    res.writeHead(200).end();
    await expect(sessions.save(opened, req, res)).rejects.toBeInstanceOf(LateCookieError);
    expect(store?.size ?? 0).toBe(before);
  });
});

describe('the server session interface when the record vanished meanwhile', () => {
  it('saves nothing and leaves the cookie to the request that ended the session', async () => {
    const store = new MemorySessionStore();
    const sessions = new ServerSessionInterface(resolveOptions({ secret: SECRET, store }), store);
    const first = await cycle(sessions, undefined, write('user', 10));
    const outcome = await cycle(sessions, cookieOf(first), async (opened) => {
      await store.destroy(opened.state.origin.id!); // a logout on another request
      write('late', true)(opened);
    });
    expect(outcome.setCookie).toEqual([]);
    expect(store.size).toBe(0);
  });
});

/**
 * A save takes a snapshot, then waits for the store. An event stream's next event, a socket's next
 * message or a write after an unawaited `save()` can change the session in that time: the change
 * is not in the snapshot, and the next save must still write it (it once was marked saved with it).
 */
describe('the server session interface when the session changes while a save is in flight', () => {
  it('keeps writes and removals made during the save for the next save', async () => {
    const store = new MemorySessionStore();
    const sessions = new ServerSessionInterface(resolveOptions({ secret: SECRET, store }), store);
    const first = await cycle(sessions, undefined, (opened) => {
      write('step', 0)(opened);
      write('keep', 'me')(opened);
      write('drop', 'me')(opened);
    });
    const id = first.opened.state.origin.id!;
    const req = request(cookieOf(first));
    const res = new ServerResponse(req);
    const opened = await sessions.open(req);
    write('step', 1)(opened);
    const saving = sessions.save(opened, req, res);
    // The store has not answered yet: these are not in the save under way.
    write('step', 2)(opened);
    write('late', true)(opened);
    opened.state.remove('drop');
    await saving;
    expect((await store.get(id))?.data).toEqual({ step: 1, keep: 'me', drop: 'me' });
    expect(opened.state.read('step')).toBe(2);
    expect(opened.state.has('drop')).toBe(false);
    await sessions.save(opened, req, res);
    expect((await store.get(id))?.data).toEqual({ step: 2, keep: 'me', late: true });
    expect(opened.state.snapshot().set).toEqual({});
  });
});
