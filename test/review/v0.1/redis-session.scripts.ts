import { createHash } from 'node:crypto';

/**
 * Lua scripts of {@link RedisSessionStore}. Each touches exactly one key (`KEYS[1]`), so it runs on
 * one Cluster slot, and Redis runs it atomically: this is what makes a save a merge instead of a
 * last-writer-wins overwrite.
 *
 * A session is a hash: `data:<key>` holds `JSON.stringify` of one encoded top-level value;
 * `meta:*` fields hold the times and the owner. The two prefixes keep a session key named
 * `meta:createdAt` from overwriting the metadata.
 */
export const DATA_PREFIX = 'data:';
export const META = {
  createdAt: 'meta:createdAt',
  touchedAt: 'meta:touchedAt',
  /** Owner of the session in the user index. */
  userId: 'meta:userId',
  /** Epoch ms until which the owner's index is known to keep this session (see below). */
  indexedUntil: 'meta:indexedUntil',
} as const;

/**
 * The deadline check that opens the scripts which write a session. ARGV[1] is the time, in Redis's
 * own clock (epoch ms), after which the store has given up on the call: the script then writes
 * nothing and fails with {@link LATE}. It is removed from ARGV, so the rest of each script reads
 * its arguments from 1 as documented. Why in the script: a command the driver has sent cannot be
 * called back, and a timed-out call must not land later (a 503 means nothing was written).
 */
export const LATE = 'NESTSESSION_LATE';
const DEADLINE_CHECK = `
local deadline = tonumber(table.remove(ARGV, 1))
local clock = redis.call('time')
if tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000) > deadline then
  return redis.error_reply('${LATE} the store gave up on this call')
end
`;

/**
 * The user index is a sorted set per user in another slot, scored with `indexedUntil`. A session
 * may only be given an expiry that ends at least `ttl / 2` before its index entry does (the
 * margin absorbs clock skew between app servers); when a save or touch would break that, the
 * script writes nothing and answers `extend` with the owner, the store extends the index entry to
 * `now + 2 * ttl` and retries. So at most one save or touch in `ttl / 2` pays extra round trips.
 */
const INDEX_CHECK = `
local function needs_index(user, stored, stored_until, ixuser, ixuntil, now, ttl)
  local until_ = 0
  if user == stored then until_ = tonumber(stored_until or '0') end
  if ixuser == user then until_ = math.max(until_, tonumber(ixuntil)) end
  return now + ttl * 1.5 > until_, until_
end
`;

/**
 * Calls a variadic hash command with a slice of ARGV (or of a table) in batches: Lua's unpack
 * has a stack limit of a few thousand values, and a session can change more keys than that.
 */
const BATCHED = `
local function batched(command, key, list, from, to)
  for i = from, to, 2000 do redis.call(command, key, unpack(list, i, math.min(i + 1999, to))) end
end
`;

/**
 * Applies one change-set. ARGV (after the deadline): create, createdAt, touchedAt, ttl, now, user mode
 * ('keep' | 'set' | 'clear'), userId, indexed user, indexed until, number of set pairs, the set
 * pairs (field, value), then the fields to unset. Returns `{outcome, previous owner}` where outcome
 * is 'saved', 'deleted', 'missing' or 'extend' (nothing written; index the returned user first).
 */
const SAVE = `${DEADLINE_CHECK}${INDEX_CHECK}${BATCHED}
local key = KEYS[1]
-- Every record has meta:createdAt; one read gives existence, owner and index horizon.
local meta = redis.call('hmget', key, '${META.createdAt}', '${META.userId}', '${META.indexedUntil}')
local exists = meta[1] or redis.call('exists', key) == 1
if not exists and ARGV[1] ~= '1' then return {'missing'} end
local ttl, now, nset = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[10])
local unset_from = 11 + 2 * nset
local stored = meta[2]

-- Decided before any write, so that an 'extend' answer leaves the record untouched.
if nset == 0 then
  local left = redis.call('hlen', key)
  for _, field in ipairs({'${META.createdAt}', '${META.touchedAt}', '${META.userId}', '${META.indexedUntil}'}) do
    left = left - redis.call('hexists', key, field)
  end
  for i = unset_from, #ARGV do left = left - redis.call('hexists', key, ARGV[i]) end
  if left <= 0 then
    redis.call('del', key)
    return {'deleted', stored}
  end
end

local user = stored
if ARGV[6] == 'set' then user = ARGV[7] elseif ARGV[6] == 'clear' then user = false end
local until_ = 0
if user then
  local short
  short, until_ = needs_index(user, stored, meta[3], ARGV[8], ARGV[9], now, ttl)
  if short then return {'extend', user} end
end

-- One HSET for the changed keys and the metadata, one HDEL for what goes.
local fields = {'${META.touchedAt}', ARGV[3]}
if not meta[1] then fields[#fields + 1] = '${META.createdAt}'; fields[#fields + 1] = ARGV[2] end
if user then
  fields[#fields + 1] = '${META.userId}'; fields[#fields + 1] = user
  fields[#fields + 1] = '${META.indexedUntil}'; fields[#fields + 1] = string.format('%d', until_)
end
redis.call('hset', key, unpack(fields))
if nset > 0 then batched('hset', key, ARGV, 11, unset_from - 1) end
if unset_from <= #ARGV then batched('hdel', key, ARGV, unset_from, #ARGV) end
if stored and not user then redis.call('hdel', key, '${META.userId}', '${META.indexedUntil}') end
redis.call('pexpire', key, ARGV[4])
return {'saved', stored}
`;

/**
 * Renews expiry and touchedAt of an existing record, without reading or writing data.
 * ARGV (after the deadline): touchedAt, ttl, now, indexed user, indexed until. Returns 0 (missing), 1 (touched) or the
 * owner whose index entry must be extended first.
 */
const TOUCH = `${DEADLINE_CHECK}${INDEX_CHECK}
local key = KEYS[1]
local meta = redis.call('hmget', key, '${META.createdAt}', '${META.userId}', '${META.indexedUntil}')
if not meta[1] and redis.call('exists', key) == 0 then return 0 end
local user = meta[2]
if user then
  local short, until_ = needs_index(user, user, meta[3], ARGV[4], ARGV[5], tonumber(ARGV[3]), tonumber(ARGV[2]))
  if short then return user end
  if ARGV[4] == user then
    redis.call('hset', key, '${META.touchedAt}', ARGV[1], '${META.indexedUntil}', string.format('%d', until_))
    redis.call('pexpire', key, ARGV[2])
    return 1
  end
end
redis.call('hset', key, '${META.touchedAt}', ARGV[1])
redis.call('pexpire', key, ARGV[2])
return 1
`;

/** Deletes a record and returns its owner, so the store can drop it from that user's index. */
const DESTROY = `${DEADLINE_CHECK}
local user = redis.call('hget', KEYS[1], '${META.userId}')
redis.call('del', KEYS[1])
return user
`;

/**
 * Indexes a session under a user (KEYS[1] is the user's sorted set). ARGV: session id, indexed
 * until, now. Scores only grow; entries whose score has passed belong to sessions that have
 * expired and are pruned; the set itself expires with its last entry.
 */
const INDEX = `
local key, id, until_, now = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
if tonumber(redis.call('zscore', key, id) or '0') < until_ then redis.call('zadd', key, ARGV[2], id) end
redis.call('zremrangebyscore', key, '-inf', '(' .. ARGV[3])
local last = redis.call('zrange', key, -1, -1, 'WITHSCORES')
redis.call('pexpire', key, string.format('%d', tonumber(last[2]) - now + 1))
return 1
`;

/** A script with its SHA1, run with EVALSHA and loaded with EVAL on NOSCRIPT. */
export interface LuaScript {
  readonly lua: string;
  readonly sha: string;
}

function script(lua: string): LuaScript {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

export const SCRIPTS = {
  save: script(SAVE),
  touch: script(TOUCH),
  destroy: script(DESTROY),
  index: script(INDEX),
};
