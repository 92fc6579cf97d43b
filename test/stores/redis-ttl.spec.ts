import { ServerSessionInterface } from '../../lib/session/server-session.interface';
import { resolveOptions } from '../../lib/utils/resolve-options';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describeWith } from '../setup/services';
import { openRedisStandalone, type RedisHarness } from '../stores/harnesses/redis.harness';

/**
 * Redis's PEXPIRE refuses a fraction of a millisecond, and refuses it after the script's HSET has
 * run (a Lua error undoes nothing): a lifetime such as one day / 7 must still give every record an
 * expiry, and logins must not fail.
 */
describeWith(['redis'])('RedisSessionStore: a lifetime that is not a whole number of milliseconds', () => {
  let h: RedisHarness;
  beforeAll(async () => {
    h = await openRedisStandalone();
  });
  afterAll(() => h?.cleanup());

  it('a login with lifetime = 1 day / 7 is saved with an expiry, and no record is left without TTL', async () => {
    const lifetime = (24 * 60 * 60 * 1000) / 7; // 12342857.142857...
    const sessions = new ServerSessionInterface(resolveOptions({ secret: 'a-secret-of-at-least-thirty-two-characters', store: h.store, lifetime }), h.store);
    await sessions.start();
    const req = new IncomingMessage(new Socket());
    req.method = 'GET';
    req.url = '/';
    const res = new ServerResponse(req);
    const opened = await sessions.open(req);
    opened.state.accessed = true;
    opened.state.write('uid', 'alice');
    const failure = await sessions.save(opened, req, res).then(
      () => undefined,
      (error: unknown) => String(error),
    );
    const key = `${h.prefix}{${opened.state.origin.id}}`;
    const pttl = await h.raw.pttl(key);
    expect({ failure, pttl: pttl === -1 ? 'no expiry' : pttl > 0 ? 'expires' : 'absent' }).toEqual({ failure: undefined, pttl: 'expires' });
  });
});
