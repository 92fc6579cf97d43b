/**
 * Runs the tasks that share a key one after another, inside this process.
 *
 * Why: a store whose atomic step is optimistic (memcached CAS) or a lock that is polled (a lock
 * file) degrades badly when many saves of one session race inside the same process: n saves cost
 * up to n² retries. Queued here, they cost n steps, and only saves from other processes still
 * contend through the store's own mechanism.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous ? previous.then(() => mine) : mine;
    this.tails.set(key, tail);
    try {
      if (previous) await previous;
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
