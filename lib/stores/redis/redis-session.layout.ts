import type { JsonValue, SessionRecord } from '../../contract/session-store';
import { SessionOptionsError } from '../../errors';

/**
 * The layout of a session in Redis: one hash per session, whose fields the store reads with HGETALL
 * and the Lua scripts of `redis-session.scripts.ts` write. `data:<key>` holds `JSON.stringify` of
 * one encoded top-level value; the metadata sits in one-letter fields (see {@link META}). Every
 * data field starts with `data:`, so no session key can overwrite the metadata.
 *
 * Why one letter: Redis stores every field name in every record. The names of the earlier layout
 * (0.1, {@link LEGACY_META}) cost 52 bytes more per logged-in session, which pushed a typical hash
 * into the next allocation size. Records of either layout are read, here and in {@link readMeta};
 * which one a store writes is its `metadataLayout` option (see {@link RedisMetadataLayout}).
 */
export const DATA_PREFIX = 'data:';
/** The names of the metadata fields in one layout. */
export interface MetaFields {
  readonly createdAt: string;
  readonly touchedAt: string;
  /** Owner of the session in the user index. */
  readonly userId: string;
  /** Epoch ms until which the owner's index is known to keep this session (see `INDEX_CHECK` in the scripts). */
  readonly indexedUntil: string;
}

export const META: MetaFields = { createdAt: 'c', touchedAt: 't', userId: 'u', indexedUntil: 'h' };

/**
 * The metadata fields of the earlier layout (0.1): the same values under names 10 to 16 bytes
 * longer (52 bytes per logged-in session, which pushed a typical hash into the next allocation
 * size).
 */
export const LEGACY_META: MetaFields = {
  createdAt: 'meta:createdAt',
  touchedAt: 'meta:touchedAt',
  userId: 'meta:userId',
  indexedUntil: 'meta:indexedUntil',
};

/**
 * The layout a store writes (the `metadataLayout` option): `'compact'` ({@link META}), or `'0.1'`
 * ({@link LEGACY_META}) while servers of 0.1, which only know the old names, still run beside
 * this version. Either way the store reads both, and its first save or touch of a record in the
 * other layout moves the record to its own: a rolling upgrade from 0.1 runs in `'0.1'`, then
 * switches to `'compact'` once no 0.1 server is left.
 */
export type RedisMetadataLayout = 'compact' | '0.1';

/** The fields a store writes (`own`), and those of the other layout, which it reads and moves. */
export interface Layout {
  readonly own: MetaFields;
  readonly other: MetaFields;
}

export function layoutOf(name: RedisMetadataLayout): Layout {
  if (name !== 'compact' && name !== '0.1') throw new SessionOptionsError(`RedisSessionStore metadataLayout must be 'compact' or '0.1', not ${JSON.stringify(name)}.`);
  return name === '0.1' ? { own: LEGACY_META, other: META } : { own: META, other: LEGACY_META };
}

/**
 * One read of every metadata field, in both layouts; `metas` counts the metadata fields present and
 * `other` says whether any of the other layout's is, for the write that moves the record to its own.
 * Every write drops the other layout's fields, so fields of the other layout beside our own were
 * written later, by a server of the other layout running beside this one: its owner (`stored`,
 * with its horizon `stored_until`) wins. In the `'0.1'` layout a compact record's horizon counts
 * as none: it is the horizon of an entry in a shared bucket, which 0.1 servers never read, so the
 * record's next save or touch indexes it again in 0.1's per-user set. The creation time, written
 * once, is read from either.
 */
export function readMeta({ own, other }: Layout): string {
  return `
local function read_meta(key)
  local m = redis.call('hmget', key, '${own.createdAt}', '${own.userId}', '${own.indexedUntil}', '${own.touchedAt}',
    '${other.createdAt}', '${other.userId}', '${other.indexedUntil}', '${other.touchedAt}')
  local metas, other = 0, false
  for i = 1, 8 do
    if m[i] then
      metas = metas + 1
      if i > 4 then other = true end
    end
  end
  local stored, stored_until = m[2], m[3]
  if m[6] then stored, stored_until = m[6], ${own === LEGACY_META ? 'nil' : 'm[7]'} end
  return {created = m[1] or m[5], stored = stored, stored_until = stored_until, metas = metas, other = other}
end
local function drop_other(key)
  redis.call('hdel', key, '${other.createdAt}', '${other.userId}', '${other.indexedUntil}', '${other.touchedAt}')
end
`;
}

/**
 * The owner fields, read with HMGET in this order: the owner as the scripts read it, where the
 * other layout's field beside our own was written later (see {@link readMeta}), so the first
 * present one wins.
 */
export function ownerFields({ own, other }: Layout): [string, string] {
  return [other.userId, own.userId];
}

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
