import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { ServerSessionInterface } from '../../lib/session/server-session.interface';
import type { OpenedSession } from '../../lib/session/session-interface';
import { RedisSessionStore } from '../../lib/stores/redis';
import { resolveOptions } from '../../lib/utils/resolve-options';
import { PERMANENT_KEY } from '../../lib/contract/session-keys';
import { describeWith } from '../setup/services';
import { testPrefix } from '../stores/harnesses/redis.harness';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

/**
 * Review of "an unchanged non-permanent cookie is no longer re-sent after a write"
 * (lib/session/server-session.interface.ts, patch()). The rule skips the Set-Cookie whenever the
 * session is non-permanent *now*; it does not look at whether the cookie the browser holds is a
 * persistent one (the session was permanent when the request opened it).
 */
describeWith(['redis'])('review: the session cookie after a write (Redis store)', () => {
  let store: RedisSessionStore;
  let sessions: ServerSessionInterface;
  beforeAll(async () => {
    store = new RedisSessionStore({ connection: { host: '127.0.0.1', port: 6379 }, prefix: testPrefix() });
    sessions = new ServerSessionInterface(resolveOptions({ secret: SECRET, store }), store);
    await sessions.start();
  });
  afterAll(() => sessions?.close());

  async function cycle(cookie: string | undefined, handle: (opened: OpenedSession) => unknown): Promise<string[]> {
    const req = new IncomingMessage(new Socket());
    req.method = 'GET';
    req.url = '/';
    if (cookie) req.headers.cookie = cookie;
    const res = new ServerResponse(req);
    const opened = await sessions.open(req);
    await handle(opened);
    await sessions.save(opened, req, res);
    const header = res.getHeader('set-cookie');
    return header === undefined ? [] : ([] as string[]).concat(header as string[]);
  }

  it('a permanent session made non-permanent gets a session cookie (no Expires/Max-Age) in place of its persistent one', async () => {
    // Request 1: a permanent session ("remember me"): the browser gets a cookie with Max-Age.
    const first = await cycle(undefined, ({ state }) => {
      state.accessed = true;
      state.write('uid', 'alice');
      state.write(PERMANENT_KEY, true);
    });
    expect(first[0]).toMatch(/Max-Age=/i);
    const cookie = first[0].slice(0, first[0].indexOf(';'));

    // Request 2: the app turns "remember me" off (session.permanent = false deletes the key).
    const second = await cycle(cookie, ({ state }) => {
      state.accessed = true;
      state.remove(PERMANENT_KEY);
    });
    // Flask (and this library before the change) sends the cookie again without Expires/Max-Age,
    // so the browser drops it when it closes. Now nothing is sent: the browser keeps the
    // persistent cookie for the rest of the old lifetime although the app asked for a browser-session one.
    expect(second).toHaveLength(1);
    expect(second[0]).not.toMatch(/Max-Age=|Expires=/i);
  });
});
