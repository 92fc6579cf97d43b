import { luaScript } from './lua-script';

/*
 * The Lua of the user index ("log out everywhere"): sorted sets of entries scored by how long each
 * is kept (see `RedisUserIndex` for the keys and entries). The session scripts check an entry's
 * horizon with {@link INDEX_CHECK}; the store extends it with {@link INDEX}.
 */
/**
 * Most clock skew between app servers that the user index absorbs (the session layer allows 30 s).
 * Lower than the `ttl / 2` of the earlier layout, so an index dies sooner after its last session.
 */
export const INDEX_SKEW_MS = 60_000;

/** How far an index entry must outlast the expiry its session is given: the skew, at most `ttl / 2`. */
export function indexMargin(ttl: number): number {
  return Math.min(ttl / 2, INDEX_SKEW_MS);
}

/**
 * The user index is in another slot than the session, its entries scored with `indexedUntil`. A session
 * may only be given an expiry that ends at least {@link indexMargin} before its index entry does
 * (the margin absorbs clock skew between app servers); when a save or touch would break that, the
 * script writes nothing and answers `extend` with the owner, the store extends the index entry to
 * `now + ttl + margin + ttl / 2` and retries. So at most one save or touch in `ttl / 2` pays extra
 * round trips, and an index outlives its last session by at most `ttl / 2 + margin`.
 */
export const INDEX_CHECK = `
local function needs_index(user, stored, stored_until, ixuser, ixuntil, now, ttl)
  local until_ = 0
  if user == stored then until_ = tonumber(stored_until or '0') end
  if ixuser == user then until_ = math.max(until_, tonumber(ixuntil)) end
  return now + ttl + math.min(ttl / 2, ${INDEX_SKEW_MS}) > until_, until_
end
`;

/**
 * Indexes a session under a user (KEYS[1] is the user's bucket, or 0.1's per-user set). ARGV: the
 * entry, indexed until, now. Scores only grow; entries whose score has passed (of any user in the
 * bucket) belong to sessions that have expired and are pruned; the set expires with its last entry.
 */
export const INDEX = luaScript(`
local key, id, until_, now = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
if tonumber(redis.call('zscore', key, id) or '0') < until_ then redis.call('zadd', key, ARGV[2], id) end
redis.call('zremrangebyscore', key, '-inf', '(' .. ARGV[3])
local last = redis.call('zrange', key, -1, -1, 'WITHSCORES')
redis.call('pexpire', key, string.format('%d', tonumber(last[2]) - now + 1))
return 1
`);

/**
 * The session ids of one user's entries in a shared bucket (KEYS[1]) that are kept past now.
 * ARGV: now, the user's tag. Filtered in Redis so that only the user's ids cross the network.
 */
export const FIND_IN_BUCKET = luaScript(`
local found, tag, n = {}, ARGV[2], #ARGV[2]
for _, entry in ipairs(redis.call('zrangebyscore', KEYS[1], ARGV[1], '+inf')) do
  if string.sub(entry, 1, n) == tag then found[#found + 1] = string.sub(entry, n + 1) end
end
return found
`);
