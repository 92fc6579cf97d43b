import type { JsonValue, SessionRecord } from '../../contract/session-store';

/**
 * The layout of a session in Redis: one hash per session, whose fields the store reads with HGETALL
 * and the Lua scripts of `redis-session.scripts.ts` write. `data:<key>` holds `JSON.stringify` of
 * one encoded top-level value; the metadata sits in one-letter fields (see {@link META}). Every
 * data field starts with `data:`, so no session key can overwrite the metadata.
 *
 * Why one letter: Redis stores every field name in every record. The names of the earlier layout
 * (0.1, {@link LEGACY_META}) cost 52 bytes more per logged-in session, which pushed a typical hash
 * into the next allocation size. Records of that layout are still read, here and in
 * {@link READ_META}, until this version's first save or touch moves them to the new fields.
 */
export const DATA_PREFIX = 'data:';
export const META = {
  createdAt: 'c',
  touchedAt: 't',
  /** Owner of the session in the user index. */
  userId: 'u',
  /** Epoch ms until which the owner's index is known to keep this session (see `INDEX_CHECK` in the scripts). */
  indexedUntil: 'h',
} as const;

/**
 * The metadata fields of the earlier layout (0.1): the same values under names 10 to 16 bytes longer
 * (52 bytes per logged-in session, which pushed a typical hash into the next allocation size). Records written by it are read as they are, and the first save or touch
 * of this version moves their metadata to {@link META} (a rolling upgrade leaves such records in
 * Redis for up to a session lifetime).
 */
export const LEGACY_META = {
  createdAt: 'meta:createdAt',
  touchedAt: 'meta:touchedAt',
  userId: 'meta:userId',
  indexedUntil: 'meta:indexedUntil',
} as const;

/**
 * One read of every metadata field, in both layouts; `metas` counts the metadata fields present and
 * `legacy` says whether any old one is, for the write that migrates the record. Every write of this
 * version drops the old fields, so old fields beside new ones were written later, by an older
 * version still running beside this one: its owner (`stored`, with its horizon `stored_until`) wins.
 * The creation time prefers the new field (an older version writes none it could read there).
 */
export const READ_META = `
local function read_meta(key)
  local m = redis.call('hmget', key, '${META.createdAt}', '${META.userId}', '${META.indexedUntil}', '${META.touchedAt}',
    '${LEGACY_META.createdAt}', '${LEGACY_META.userId}', '${LEGACY_META.indexedUntil}', '${LEGACY_META.touchedAt}')
  local metas, legacy = 0, false
  for i = 1, 8 do
    if m[i] then
      metas = metas + 1
      if i > 4 then legacy = true end
    end
  end
  local stored, stored_until = m[2], m[3]
  if m[6] then stored, stored_until = m[6], m[7] end
  return {created = m[1] or m[5], stored = stored, stored_until = stored_until, metas = metas, legacy = legacy}
end
local function drop_legacy(key)
  redis.call('hdel', key, '${LEGACY_META.createdAt}', '${LEGACY_META.userId}', '${LEGACY_META.indexedUntil}', '${LEGACY_META.touchedAt}')
end
`;

/**
 * The owner fields, read with HMGET in this order: the owner as the scripts read it, where an old
 * field beside a new one was written later (see {@link READ_META}), so the first present one wins.
 */
export const OWNER_FIELDS = [LEGACY_META.userId, META.userId] as const;

/** The session of a hash read with HGETALL, or `null` when it holds no data field (missing or empty). */
export function recordOfHash(hash: Record<string, string>): SessionRecord | null {
  const entries: [string, JsonValue][] = [];
  for (const field of Object.keys(hash)) if (field.startsWith(DATA_PREFIX)) entries.push([field.slice(DATA_PREFIX.length), JSON.parse(hash[field]) as JsonValue]);
  if (entries.length === 0) return null;
  return {
    // fromEntries defines own properties: a stored key named __proto__ stays a key.
    data: Object.fromEntries(entries),
    // A record of the earlier layout (0.1) keeps its times under the old names until this version
    // saves or touches it; while an older version still runs beside this one, the later touch counts.
    createdAt: Number(hash[META.createdAt] ?? hash[LEGACY_META.createdAt]),
    touchedAt: latest(hash[META.touchedAt], hash[LEGACY_META.touchedAt]),
  };
}

/** The later of two stored times (either may be missing, or `NaN` from an older version). */
function latest(current: string | undefined, legacy: string | undefined): number {
  const [a, b] = [Number(current), Number(legacy)];
  if (Number.isNaN(b)) return a;
  return Number.isNaN(a) ? b : Math.max(a, b);
}
