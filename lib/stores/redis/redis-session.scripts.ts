import { type LuaScript, luaScript as script } from './lua-script';
import { layoutOf, readMeta, type Layout, type RedisMetadataLayout } from './redis-session.layout';
import { INDEX_CHECK } from './redis-user-index.scripts';

/**
 * Lua scripts of {@link RedisSessionStore}. Each touches exactly one key (`KEYS[1]`), so it runs on
 * one Cluster slot, and Redis runs it atomically: this is what makes a save a merge instead of a
 * last-writer-wins overwrite. The hash they read and write is described in `redis-session.layout.ts`.
 */

/**
 * The deadline check that opens the scripts which write a session. ARGV[1] is the time, in Redis's
 * own clock (epoch ms), after which the store has given up on the call: the script then writes
 * nothing and fails with {@link LATE}; each script's own arguments follow it, from ARGV[2]. Why in
 * the script: a command the driver has sent cannot be called back, and a timed-out call must not
 * land later (a 503 means nothing was written).
 */
export const LATE = 'NESTSESSION_LATE';
const DEADLINE_CHECK = `
local clock = redis.call('time')
if tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000) > tonumber(ARGV[1]) then
  return redis.error_reply('${LATE} the store gave up on this call')
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
 * Applies one change-set. ARGV (after the deadline, each its own argument: Redis hands them to the
 * script as they are, where splitting one string of them cost Redis about 2.5 µs a save): create
 * (1|0), createdAt, touchedAt, ttl, now, user mode ('keep' | 'set' | 'clear'), indexed until,
 * number of set pairs, userId, indexed user, then the set pairs (field, value) and the fields to
 * unset. Returns `{outcome, previous owner}` where outcome is 'saved', 'deleted', 'missing' or
 * 'extend' (nothing written; index the returned user first).
 */
const save = (layout: Layout) => `${DEADLINE_CHECK}${INDEX_CHECK}${BATCHED}${readMeta(layout)}
local key = KEYS[1]
-- Every record has a creation time; one read gives existence, owner, index horizon and layout.
local meta = read_meta(key)
local create, created_at, touched_at, ttl, mode = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[7]
local nset = tonumber(ARGV[9])
local pairs_from = 12
local unset_from = pairs_from + 2 * nset
-- A creation needs no existence check (its id is new); a record without a creation time is rare.
if not meta.created and create ~= '1' and redis.call('exists', key) == 0 then return {'missing'} end
local stored = meta.stored

-- Decided before any write, so that an 'extend' answer leaves the record untouched.
if nset == 0 then
  local left = redis.call('hlen', key) - meta.metas
  for i = unset_from, #ARGV do left = left - redis.call('hexists', key, ARGV[i]) end
  if left <= 0 then
    redis.call('del', key)
    return {'deleted', stored}
  end
end

local user = stored
if mode == 'set' then user = ARGV[10] elseif mode == 'clear' then user = false end
local until_ = 0
if user then
  local short
  short, until_ = needs_index(user, stored, meta.stored_until, ARGV[11], ARGV[8], tonumber(ARGV[6]), tonumber(ttl))
  if short then return {'extend', user} end
end

if not meta.other and nset <= 1000 and (not user or (user == stored and until_ == tonumber(meta.stored_until or '0'))) then
  -- Most saves: a record in our layout whose owner and index horizon stay as they are. One HSET,
  -- its changed keys straight from ARGV (a creation adds its creation time).
  if meta.created then
    redis.call('hset', key, '${layout.own.touchedAt}', touched_at, unpack(ARGV, pairs_from, unset_from - 1))
  else
    redis.call('hset', key, '${layout.own.touchedAt}', touched_at, '${layout.own.createdAt}', created_at, unpack(ARGV, pairs_from, unset_from - 1))
  end
else
  -- One HSET for the metadata and the changed keys (two or more past Lua's unpack limit). A
  -- record in the other layout keeps its creation time under our name.
  local fields = {'${layout.own.touchedAt}', touched_at}
  if meta.other or not meta.created then fields[#fields + 1] = '${layout.own.createdAt}'; fields[#fields + 1] = meta.created or created_at end
  if user then
    fields[#fields + 1] = '${layout.own.userId}'; fields[#fields + 1] = user
    fields[#fields + 1] = '${layout.own.indexedUntil}'; fields[#fields + 1] = string.format('%d', until_)
  end
  if nset <= 1000 then
    for i = pairs_from, unset_from - 1 do fields[#fields + 1] = ARGV[i] end
    redis.call('hset', key, unpack(fields))
  else
    redis.call('hset', key, unpack(fields))
    batched('hset', key, ARGV, pairs_from, unset_from - 1)
  end
end
-- One HDEL for what goes.
if unset_from <= #ARGV then batched('hdel', key, ARGV, unset_from, #ARGV) end
if stored and not user then redis.call('hdel', key, '${layout.own.userId}', '${layout.own.indexedUntil}') end
if meta.other then drop_other(key) end
redis.call('pexpire', key, ttl)
return {'saved', stored}
`;

/**
 * Renews expiry and touchedAt of an existing record, without reading or writing data.
 * ARGV (after the deadline): touchedAt, ttl, now, indexed user, indexed until. Returns 0 (missing), 1 (touched) or the
 * owner whose index entry must be extended first.
 */
const touch = (layout: Layout) => `${DEADLINE_CHECK}${INDEX_CHECK}${readMeta(layout)}
local key = KEYS[1]
local meta = read_meta(key)
if not meta.created and redis.call('exists', key) == 0 then return 0 end
local user = meta.stored
local fields = {'${layout.own.touchedAt}', ARGV[2]}
if user then
  local short, until_ = needs_index(user, user, meta.stored_until, ARGV[5], ARGV[6], tonumber(ARGV[4]), tonumber(ARGV[3]))
  if short then return user end
  if ARGV[5] == user or meta.other then
    fields[#fields + 1] = '${layout.own.indexedUntil}'; fields[#fields + 1] = string.format('%d', until_)
  end
end
-- A record in the other layout moves its metadata to our fields.
if meta.other then
  if meta.created then fields[#fields + 1] = '${layout.own.createdAt}'; fields[#fields + 1] = meta.created end
  if user then fields[#fields + 1] = '${layout.own.userId}'; fields[#fields + 1] = user end
end
redis.call('hset', key, unpack(fields))
if meta.other then drop_other(key) end
redis.call('pexpire', key, ARGV[3])
return 1
`;

/** Deletes a record and returns its owner (either layout, as in `readMeta`), so the store can drop it from that user's index. */
const destroy = ({ own, other }: Layout) => `${DEADLINE_CHECK}
local owner = redis.call('hmget', KEYS[1], '${other.userId}', '${own.userId}')
redis.call('del', KEYS[1])
return owner[1] or owner[2]
`;

/** The scripts of a store, for the metadata layout it writes (built once per layout). */
export interface RedisScripts {
  readonly save: LuaScript;
  readonly touch: LuaScript;
  readonly destroy: LuaScript;
}

const built = new Map<RedisMetadataLayout, RedisScripts>();

export function scriptsFor(name: RedisMetadataLayout): RedisScripts {
  let scripts = built.get(name);
  if (!scripts) {
    const layout = layoutOf(name);
    built.set(name, (scripts = { save: script(save(layout)), touch: script(touch(layout)), destroy: script(destroy(layout)) }));
  }
  return scripts;
}
