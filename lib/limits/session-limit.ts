import { SessionDevices } from '../devices/session-devices';
import { SessionLimitError } from '../errors/session-limit.error';
import type { ServerSessionInterface } from '../session/server-session.interface';

/**
 * `maxSessionsPerUser`, checked when a session gets its user (login). Under a lock on the user
 * that every app process shares (the store's `lockUser`), it counts the user's live sessions
 * other than this one, refuses the login or ends the least recently seen ones, and writes the
 * session before letting go: two logins of one user, in any processes, take turns, so the user
 * never ends up with more than the limit.
 */
export class SessionLimit {
  private readonly devices: SessionDevices;

  constructor(
    private readonly sessions: ServerSessionInterface,
    private readonly max: number,
  ) {
    this.devices = new SessionDevices(sessions);
  }

  async admit<T>(userId: string, id: string, write: () => Promise<T>): Promise<T> {
    const { store, calls, options } = this.sessions;
    const release = await calls.run('lockUser', () => (store.lockUser as (userId: string) => Promise<() => Promise<void>>).call(store, userId));
    try {
      const others = (await this.devices.find(userId)).filter((session) => session.id !== id);
      const over = others.length - (this.max - 1);
      if (over > 0) {
        if (options.onLimit === 'refuse') throw new SessionLimitError(this.max);
        const oldest = others.sort((a, b) => a.record.touchedAt - b.record.touchedAt).slice(0, over);
        for (const { id: old } of oldest) await this.devices.destroy(old);
      }
      return await write();
    } finally {
      await release();
    }
  }
}
