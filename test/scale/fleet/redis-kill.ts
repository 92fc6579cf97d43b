import { cli } from '../../setup/redis-topology';

/** SIGKILLs the redis-server on a loopback port (no shutdown, no save: a crash). Returns when. */
export async function killRedis(port: number): Promise<number> {
  const info = await cli(port, 'info', 'server');
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  if (!pid) throw new Error(`no redis-server answers on ${port}`);
  process.kill(pid, 'SIGKILL');
  return Date.now();
}
