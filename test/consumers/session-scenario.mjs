// What a user of a consumer app sees over real HTTP: cookie flags, the counter, the tampered
// cookie, logout, and the library's HTTP error answered by the app's own Nest.
import assert from 'node:assert/strict';

const COOKIE = 'session';

/** GET or POST `path`, with `cookie` (a "name=value" pair) when given. */
async function request(base, method, path, cookie) {
  const response = await fetch(base + path, {
    method,
    headers: cookie ? { cookie } : {},
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  const setCookie = response.headers.getSetCookie().find((line) => line.startsWith(`${COOKIE}=`));
  return { status: response.status, text, body: text ? safeJson(text) : undefined, setCookie };
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** "session=abc; Path=/; HttpOnly" -> "session=abc" */
const pair = (setCookie) => setCookie.split(';', 1)[0];

/** The same cookie with one character of its value changed (its signature no longer matches). */
function tamper(cookiePair) {
  const at = cookiePair.length - 3;
  const swapped = cookiePair[at] === 'A' ? 'B' : 'A';
  return cookiePair.slice(0, at) + swapped + cookiePair.slice(at + 1);
}

/**
 * Runs the scenario against the app at `base`; throws an AssertionError naming the first step
 * that failed. `serverSide` adds the check that a logged-out session id is dead on the server.
 */
export async function runSessionScenario(base, { serverSide }) {
  const first = await request(base, 'GET', '/counter');
  assert.equal(first.status, 200, `first request: status ${first.status} ${first.text}`);
  assert.deepEqual(first.body, { count: 1 }, 'first request: counter');
  assert.ok(first.setCookie, 'first request: no session cookie was set');
  assert.match(first.setCookie, /;\s*HttpOnly/i, `first request: cookie not HttpOnly: ${first.setCookie}`);
  assert.match(first.setCookie, /;\s*SameSite=Lax/i, `first request: cookie not SameSite=Lax: ${first.setCookie}`);
  const cookie = pair(first.setCookie);

  const second = await request(base, 'GET', '/counter', cookie);
  assert.deepEqual(second.body, { count: 2 }, `second request with the cookie: ${second.text}`);
  const current = second.setCookie ? pair(second.setCookie) : cookie;

  const tampered = await request(base, 'GET', '/counter', tamper(current));
  assert.deepEqual(tampered.body, { count: 1 }, `tampered cookie: expected a fresh session, got ${tampered.text}`);
  assert.ok(tampered.setCookie && pair(tampered.setCookie) !== tamper(current), 'tampered cookie: no fresh cookie was set');

  const error = await request(base, 'GET', '/store-error');
  assert.equal(error.status, 503, `library HttpException: expected 503 from the app's Nest, got ${error.status} (two copies of @nestjs/common?)`);

  const logout = await request(base, 'POST', '/logout', current);
  assert.equal(logout.status, 204, `logout: status ${logout.status} ${logout.text}`);
  assert.ok(logout.setCookie, 'logout: the cookie was not deleted');
  assert.match(logout.setCookie, /^session=;/, `logout: deleted cookie keeps a value: ${logout.setCookie}`);
  assert.match(logout.setCookie, /Max-Age=0|Expires=Thu, 01 Jan 1970/i, `logout: cookie not expired: ${logout.setCookie}`);

  if (serverSide) {
    // A copy of the cookie kept by an attacker no longer opens the session.
    const replay = await request(base, 'GET', '/counter', current);
    assert.deepEqual(replay.body, { count: 1 }, `old cookie after logout: ${replay.text}`);
  }
}
