import { createHash } from 'node:crypto';

/** A script with its SHA1, run with EVALSHA and loaded with EVAL on NOSCRIPT (see `runScript`). */
export interface LuaScript {
  readonly lua: string;
  readonly sha: string;
}

export function luaScript(lua: string): LuaScript {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}
