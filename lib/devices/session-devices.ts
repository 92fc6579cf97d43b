import type { JsonValue, SessionRecord } from '../contract/session-store';
import type { SessionDevice } from '../interfaces/devices-options.interface';
import { readDeviceDetails } from '../session/device-metadata';
import type { ServerSessionInterface } from '../session/server-session.interface';
import { SessionLifetime } from '../session/session-lifetime';
import { userIdOfStored } from '../session/user-id';
import { DeviceHandles } from './device-handle';

interface UserSession {
  id: string;
  record: SessionRecord;
}

/**
 * "Your devices" over any store with a user index, with no code in the stores: the user index
 * gives the ids, `get` gives each record (creation, last save or touch, the opt-in details kept
 * beside the data), `destroy` revokes. Ids never leave this class; callers see handles.
 */
export class SessionDevices {
  private readonly handles: DeviceHandles;
  private readonly lifetime: SessionLifetime;

  constructor(private readonly sessions: ServerSessionInterface) {
    this.handles = new DeviceHandles(sessions.options.secrets, sessions.options.cookie.name);
    this.lifetime = new SessionLifetime(sessions.options);
  }

  /** The user's live sessions, the current one first, then the most recently seen. */
  async list(userId: string, currentId: string | null): Promise<SessionDevice[]> {
    const found = await this.find(userId);
    return found
      .map(({ id, record }) => ({
        handle: this.handles.of(id),
        current: id === currentId,
        createdAt: new Date(record.createdAt),
        lastSeenAt: new Date(record.touchedAt),
        ...readDeviceDetails(record.data),
      }))
      .sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
  }

  /**
   * The id of the user's live session that `handle` names, or `null` for a handle that is
   * malformed, of another user's session, or of a session that has ended.
   */
  async resolve(userId: string, handle: unknown): Promise<string | null> {
    if (typeof handle !== 'string') return null;
    const found = await this.find(userId);
    // Every candidate is compared, so the time taken says nothing about which one matched.
    let match: string | null = null;
    for (const { id } of found) if (this.handles.matches(handle, id)) match = id;
    return match;
  }

  /** Ends one session by id (already resolved from the user's own sessions). */
  destroy(id: string): Promise<void> {
    const { store, calls } = this.sessions;
    return calls.run('destroy', () => store.destroy(id));
  }

  /** The user's sessions that are alive and still belong to the user (the index may lag behind). */
  async find(userId: string): Promise<UserSession[]> {
    const { store, calls, options } = this.sessions;
    const ids = await calls.run('findByUser', () => (store.findByUser as (userId: string) => Promise<string[]>).call(store, userId));
    const now = Date.now();
    const records = await Promise.all([...new Set(ids)].map(async (id) => ({ id, record: await calls.run('get', () => store.get(id)) })));
    return records.filter((entry): entry is UserSession => {
      const { record } = entry;
      if (!record || !this.lifetime.alive(record.createdAt, record.touchedAt, now)) return false;
      const key = options.userKey as string;
      const owner = record.data[key];
      return owner !== undefined && ownerText(owner, key) === userId;
    });
  }
}

/** The user a stored record belongs to; `null` for none, or for a value no user index holds. */
function ownerText(value: JsonValue, key: string): string | null {
  try {
    return userIdOfStored(value, key);
  } catch {
    return null;
  }
}
