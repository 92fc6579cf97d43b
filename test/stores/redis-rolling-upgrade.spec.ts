import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Redis } from 'ioredis';
import type { SessionStore } from '../../lib/contract/session-store';
import { ServerSessionInterface } from '../../lib/session/server-session.interface';
import { SessionOptionsError } from '../../lib/errors';
import { RedisSessionStore } from '../../lib/stores/redis';
import { resolveOptions } from '../../lib/utils/resolve-options';
import { describeWith } from '../setup/services';
import { testPrefix } from './harnesses/redis.harness';
import { newId, write } from './store-contract';
// The Redis store of 0.1 (test/fixtures/redis-store-0.1: lib/stores/redis at 5a87138).
import { RedisSessionStore as RedisSessionStore01 } from '../fixtures/redis-store-0.1/redis-session.store';

const TTL = 24 * 60 * 60 * 1000;
const SECRET = 'a-secret-of-at-least-thirty-two-characters';

/**
 * A rolling upgrade from 0.1: servers of 0.1, which know only the `meta:*` field names, run beside
 * this version on one Redis. With `metadataLayout: '0.1'` this version writes those names, and
 * each side must then see the other's times (timeouts), owner ("log out everywhere") and logouts.
 * Afterwards, in the default compact layout, the records move to the short names on their next
 * save or touch (and back, with '0.1' again, for a rollback).
 */
describeWith(['redis'])("RedisSessionStore: 0.1 servers beside this version, with metadataLayout: '0.1'", () => {
  const prefix = testPrefix();
  const connection = { host: '127.0.0.1', port: 6379 };
  let current: RedisSessionStore;
  let old: RedisSessionStore01;
  let raw: Redis;
  beforeAll(async () => {
    current = new RedisSessionStore({ connection, prefix, metadataLayout: '0.1' });
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
    // destroys the record). In the compact layout it would read createdAt = touchedAt = NaN, and
    // serve the expired session as alive.
    const onOld = await open(old, cookie).opened;
    expect({ isNew: onOld.state.origin.isNew, uid: onOld.state.read('uid') }).toEqual({ isNew: true, uid: undefined });
    const onNew = await open(current, cookie).opened;
    expect(onNew.state.origin.isNew).toBe(true);
  });

  it('a 0.1 server reads the times of a record this version wrote', async () => {
    const id = newId();
    await current.save(id, write({ uid: 'x' }, { create: true, createdAt: 1000, touchedAt: 2000, ttl: TTL }));
    expect(await old.get(id)).toEqual({ data: { uid: 'x' }, createdAt: 1000, touchedAt: 2000 });
  });

  it("'log out everywhere' still finds a session after a 0.1 server listed the user's sessions", async () => {
    const [id, owner] = [newId(), user()];
    expect(await current.save(id, write({ uid: owner }, { create: true, userId: owner, ttl: TTL }))).toBe('saved');
    expect(await current.findByUser(owner)).toEqual([id]);
    // A 0.1 server lists the user's sessions (listUserSessions, destroyUserSessions, maxSessionsPerUser):
    // it reads meta:userId; finding none (the compact layout) it would take the entry for stale and drop it.
    expect(await old.findByUser(owner)).toEqual([id]);
    await current.save(id, write({ n: 2 }, { ttl: TTL }));
    expect(await current.findByUser(owner)).toEqual([id]);
  });

  it('a logout on a 0.1 server takes the session out of its former owner index', async () => {
    const [id, owner] = [newId(), user()];
    await current.save(id, write({ uid: owner, cart: 1 }, { create: true, userId: owner, ttl: TTL }));
    // Logout on a 0.1 server: uid unset, userId null ('clear'). It must see the owner to drop it.
    expect(await old.save(id, write({}, { unset: ['uid'], userId: null, ttl: TTL }))).toBe('saved');
    expect(await current.findByUser(owner)).toEqual([]);
  });
});

describeWith(['redis'])('RedisSessionStore: after the upgrade, the compact layout', () => {
  const prefix = testPrefix();
  const connection = { host: '127.0.0.1', port: 6379 };
  let compact: RedisSessionStore;
  let transitional: RedisSessionStore;
  let raw: Redis;
  beforeAll(async () => {
    compact = new RedisSessionStore({ connection, prefix });
    transitional = new RedisSessionStore({ connection, prefix, metadataLayout: '0.1' });
    await compact.start({ timeout: 2000 });
    await transitional.start({ timeout: 2000 });
    raw = new Redis(connection);
  });
  afterAll(async () => {
    await compact?.close();
    await transitional?.close();
    for (const key of await raw.keys(`${prefix}*`)) await raw.del(key);
    await raw.quit();
  });
  const fields = async (id: string) => Object.keys(await raw.hgetall(`${prefix}{${id}}`)).sort();

  it("moves a record written with '0.1' to the short names on its next save, and back on a rollback", async () => {
    const [id, owner] = [newId(), `u-${newId().slice(0, 8)}`];
    await transitional.save(id, write({ uid: owner }, { create: true, createdAt: 1000, touchedAt: 2000, userId: owner, ttl: TTL }));
    expect(await fields(id)).toEqual(['data:uid', 'meta:createdAt', 'meta:indexedUntil', 'meta:touchedAt', 'meta:userId']);

    expect(await compact.save(id, write({ n: 1 }, { touchedAt: 3000, ttl: TTL }))).toBe('saved');
    expect(await fields(id)).toEqual(['c', 'data:n', 'data:uid', 'h', 't', 'u']);
    expect(await compact.get(id)).toEqual({ data: { uid: owner, n: 1 }, createdAt: 1000, touchedAt: 3000 });
    expect(await compact.findByUser(owner)).toEqual([id]);

    expect(await transitional.touch(id, 4000, TTL)).toBe(true);
    expect(await fields(id)).toEqual(['data:n', 'data:uid', 'meta:createdAt', 'meta:indexedUntil', 'meta:touchedAt', 'meta:userId']);
    expect(await transitional.get(id)).toEqual({ data: { uid: owner, n: 1 }, createdAt: 1000, touchedAt: 4000 });
    expect(await transitional.findByUser(owner)).toEqual([id]);
  });

  it('refuses a metadataLayout it does not know, at construction', () => {
    expect(() => new RedisSessionStore({ connection, prefix, metadataLayout: 'v2' as never })).toThrow(SessionOptionsError);
    expect(() => new RedisSessionStore({ connection, prefix, metadataLayout: 'v2' as never })).toThrow(/metadataLayout must be 'compact' or '0.1'/);
  });
});
