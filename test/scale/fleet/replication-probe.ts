import { Redis } from 'ioredis';

/** How often the marker is written. */
const EVERY_MS = 20;

/**
 * Measures how far a Redis replica had got when its master died. A marker key on the master is
 * set every 20 ms to the time it was sent; replication applies writes in order, so the newest
 * marker the promoted replica holds says up to when it had everything: writes the master applied
 * before that marker survive the failover. A session write lost in the failover must therefore
 * have been acknowledged after that moment (Redis replication is asynchronous; how far behind a
 * replica runs depends on the load, a few ms on a quiet machine, over a second on a starved one).
 */
export class ReplicationProbe {
  private readonly master: Redis;
  private timer?: NodeJS.Timeout;

  /** `key` must live on the master at `masterPort` (in a Cluster: in one of its slots). */
  constructor(
    masterPort: number,
    private readonly key = 'nest-session-test:replicated',
  ) {
    this.master = new Redis({ host: '127.0.0.1', port: masterPort, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, lazyConnect: true });
    this.master.on('error', () => undefined);
  }

  async start(): Promise<void> {
    await this.master.connect();
    await this.master.set(this.key, String(Date.now()));
    this.timer = setInterval(() => void this.master.set(this.key, String(Date.now())).catch(() => undefined), EVERY_MS);
  }

  /** The send time (epoch ms) of the newest marker the server on `port` holds. */
  async replicatedUntil(port: number): Promise<number> {
    this.stop();
    const reader = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
    try {
      // READONLY lets a Cluster node answer for its own slots without redirecting; harmless elsewhere.
      await reader.call('readonly').catch(() => undefined);
      const value = await reader.get(this.key);
      if (value === null) throw new Error(`the replication marker ${this.key} is missing on port ${port}`);
      return Number(value);
    } finally {
      reader.disconnect();
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.master.disconnect();
  }
}

/** A key whose Cluster hash slot the master at `masterPort` serves (asked of that node). */
export async function keyServedBy(masterPort: number): Promise<string> {
  const node = new Redis({ host: '127.0.0.1', port: masterPort, maxRetriesPerRequest: 1 });
  try {
    const ranges = ((await node.call('cluster', 'slots')) as [number, number, [string, number, string]][]).filter(([, , owner]) => owner[1] === masterPort);
    for (let tag = 0; tag < 100000; tag++) {
      const key = `nest-session-test:replicated:{${tag}}`;
      const slot = Number(await node.call('cluster', 'keyslot', key));
      if (ranges.some(([from, to]) => slot >= from && slot <= to)) return key;
    }
    throw new Error(`no key found for the slots of the master on port ${masterPort}`);
  } finally {
    node.disconnect();
  }
}

/**
 * Redis replication is asynchronous: a failover may lose the writes the replica had not received.
 * Every lost acknowledged write must be one of those: acknowledged after the moment up to which
 * the replica had everything, and not after the kill. Both times are relative to the kill.
 */
export function expectOnlyUnreplicatedWritesLost(lostAckedAt: number[], replicatedUntil: number): void {
  // eslint-disable-next-line no-console
  console.log(
    `replica had every write up to ${-replicatedUntil} ms before the kill; lost writes acknowledged at ${lostAckedAt.length ? `${Math.min(...lostAckedAt)}..${Math.max(...lostAckedAt)}` : '(none)'} ms`,
  );
  for (const at of lostAckedAt) {
    expect(at).toBeGreaterThan(replicatedUntil);
    expect(at).toBeLessThanOrEqual(0);
  }
}
