import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Redis } from 'ioredis';
import type { SessionStore } from '../../lib/contract/session-store';
import { ServerSessionInterface } from '../../lib/session/server-session.interface';
import { RedisSessionStore } from '../../lib/stores/redis';
import { resolveOptions } from '../../lib/utils/resolve-options';
import { describeWith } from '../setup/services';
import { testPrefix } from '../stores/harnesses/redis.harness';
import { newId, write } from '../stores/store-contract';
// The Redis store as released in 0.1 (lib/stores/redis at 5a87138, imports pointed at lib/).
import { RedisSessionStore as RedisSessionStore01 } from './v0.1/redis-session.store';

const TTL = 24 * 60 * 60 * 1000;
const SECRET = 'a-secret-of-at-least-thirty-two-characters';

/**
 * Review of the metadata rename (meta:* -> c,t,u,h) in lib/stores/redis/redis-session.scripts.ts.
 * The new code reads records of 0.1 and records 0.1 writes beside its own ("while an older version
 * still runs beside this one"), i.e. it claims a rolling upgrade. But a 0.1 server that meets a
 * record this version wrote (or migrated) sees no metadata at all: no times, no owner.
 */
describeWith(['redis'])('review: a 0.1 server beside this version during a rolling upgrade', () => {
  const prefix = testPrefix();
  const connection = { host: '127.0.0.1', port: 6379 };
  let current: RedisSessionStore;
  let old: RedisSessionStore01;
  let raw: Redis;
  beforeAll(async () => {
    current = new RedisSessionStore({ connection, prefix });
    old = new RedisSessionStore01({ connection, prefix });
    await current.start({ timeout: 2000 });
    await old.start({ timeout: 2000 });
    raw = new Redis(connection);
  });
  afterAll(async () => {
    await current?.close();
    await old?.close();
    for (const key of await raw.keys(`${prefix}*`)) await raw.del(key);
    await raw.quit();
  });
  const user = () => `u-${newId().slice(0, 8)}`;

  function open(store: SessionStore, cookie: string) {
    const sessions = new ServerSessionInterface(resolveOptions({ secret: SECRET, store, idleTimeout: 60 * 60 * 1000, absoluteTimeout: 2 * 60 * 60 * 1000 }), store);
    const req = new IncomingMessage(new Socket());
    req.method = 'GET';
    req.url = '/';
    req.headers.cookie = cookie;
    return { sessions, opened: sessions.open(req), res: new ServerResponse(req), req };
  }

  it('a 0.1 server enforces the idle and absolute timeouts on a session this version wrote', async () => {
    // A session created by this version three hours ago, last used two hours ago: past both the
    // one-hour idle timeout and the two-hour absolute timeout.
    const now = Date.now();
    const login = new ServerSessionInterface(resolveOptions({ secret: SECRET, store: current }), current);
    const req = new IncomingMessage(new Socket());
    const res = new ServerResponse(req);
    const fresh = await login.open(req);
    fresh.state.accessed = true;
    fresh.state.write('uid', 'alice');
    await login.save(fresh, req, res);
    const setCookie = ([] as string[]).concat(res.getHeader('set-cookie') as string[])[0];
    const cookie = setCookie.slice(0, setCookie.indexOf(';'));
    const id = fresh.state.origin.id as string;
    expect(await current.save(id, write({ n: 1 }, { touchedAt: now - 2 * 60 * 60 * 1000, ttl: TTL }))).toBe('saved');
    await raw.hset(`${prefix}{${id}}`, 'c', String(now - 3 * 60 * 60 * 1000));

    // A 0.1 server (same options) must end it, as this version does (checked last: ending it
    // destroys the record). It reads createdAt = touchedAt = NaN, every timeout comparison with
    // NaN is false, and it serves the expired session as alive.
    const onOld = await open(old, cookie).opened;
    expect({ isNew: onOld.state.origin.isNew, uid: onOld.state.read('uid') }).toEqual({ isNew: true, uid: undefined });
    const onNew = await open(current, cookie).opened;
    expect(onNew.state.origin.isNew).toBe(true);
  });

  it('a 0.1 server reads the times of a record in the new layout', async () => {
    const id = newId();
    await current.save(id, write({ uid: 'x' }, { create: true, createdAt: 1000, touchedAt: 2000, ttl: TTL }));
    expect(await old.get(id)).toEqual({ data: { uid: 'x' }, createdAt: 1000, touchedAt: 2000 });
  });

  it("'log out everywhere' still finds a session after a 0.1 server listed the user's sessions", async () => {
    const [id, owner] = [newId(), user()];
    expect(await current.save(id, write({ uid: owner }, { create: true, userId: owner, ttl: TTL }))).toBe('saved');
    expect(await current.findByUser(owner)).toEqual([id]);
    // A 0.1 server lists the user's sessions (listUserSessions, destroyUserSessions, maxSessionsPerUser):
    // it reads meta:userId, finds none, takes the entry for stale and ZREMs it from the index.
    expect(await old.findByUser(owner)).toEqual([id]);
    // The record still says h = its index horizon, so this version never indexes it again before
    // that horizon runs short: the live session is invisible to 'log out everywhere' on every server.
    await current.save(id, write({ n: 2 }, { ttl: TTL }));
    expect(await current.findByUser(owner)).toEqual([id]);
  });

  it('a logout on a 0.1 server takes the session out of its former owner index', async () => {
    const [id, owner] = [newId(), user()];
    await current.save(id, write({ uid: owner, cart: 1 }, { create: true, userId: owner, ttl: TTL }));
    // Logout on a 0.1 server: uid unset, userId null ('clear'). It sees no meta:userId, so it
    // neither removes `u` nor the index entry.
    expect(await old.save(id, write({}, { unset: ['uid'], userId: null, ttl: TTL }))).toBe('saved');
    expect(await current.findByUser(owner)).toEqual([]);
  });
});
