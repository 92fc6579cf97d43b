import { SessionStoreTimeoutError } from '../../errors/session-store-timeout.error';
import type { RedisClientLike } from './redis-client.types';
import type { LuaScript } from './lua-script';
import { LATE } from './redis-session.scripts';

const messageOf = (error: unknown) => String((error as { message?: unknown }).message);

/**
 * Runs one of the store's scripts on `key`: by SHA (`EVALSHA`), and by its text when the server
 * does not know it yet (`NOSCRIPT`: a restarted or newly promoted server). A script that refused
 * to write past its deadline ({@link LATE}) becomes the store's timeout error.
 */
export async function runScript(client: RedisClientLike, script: LuaScript, key: string, args: (string | number)[], timeout: number): Promise<unknown> {
  try {
    try {
      return await client.evalsha(script.sha, 1, key, ...args);
    } catch (error) {
      if (!messageOf(error).startsWith('NOSCRIPT')) throw error;
      return await client.eval(script.lua, 1, key, ...args);
    }
  } catch (error) {
    if (messageOf(error).startsWith(LATE)) throw new SessionStoreTimeoutError('RedisSessionStore', timeout);
    throw error;
  }
}
