import type { TypeOrmHarness } from './typeorm.harness';

/**
 * Every statement a harness's database driver executes while recording, seen below TypeORM: pg's
 * `Client.query` (one call, one round trip), mysql2's connection `query`, and better-sqlite3's
 * statement runs (including its `BEGIN IMMEDIATE`/`COMMIT` and `PRAGMA`s). Installed on the
 * driver's prototype, so it sees the pool's connections of every DataSource in this process:
 * record only around awaited calls of one harness.
 */
export class DriverTrace {
  private recording: string[] | null = null;
  private readonly restore: (() => void)[] = [];

  private constructor() {}

  static async install(harness: TypeOrmHarness): Promise<DriverTrace> {
    const trace = new DriverTrace();
    const type = harness.dataSource.options.type;
    if (type === 'better-sqlite3') {
      const database = (harness.dataSource.driver as unknown as { databaseConnection: { prepare(sql: string): object } }).databaseConnection;
      const statement = Object.getPrototypeOf(database.prepare('SELECT 1')) as Record<string, unknown>;
      for (const method of ['run', 'get', 'all', 'iterate']) trace.wrap(statement, method, (self) => (self as { source: string }).source);
    } else {
      const runner = harness.dataSource.createQueryRunner();
      const connection = (await runner.connect()) as object;
      await runner.release();
      let owner: object | null = connection;
      while (owner && !Object.hasOwn(owner, 'query')) owner = Object.getPrototypeOf(owner) as object | null;
      if (!owner) throw new Error(`no query method on the ${type} driver's connection`);
      trace.wrap(owner as Record<string, unknown>, 'query', (_, args) => {
        const first = args[0] as string | { text?: string; sql?: string };
        return typeof first === 'string' ? first : String(first.text ?? first.sql);
      });
    }
    return trace;
  }

  /** Runs `call` and returns the statements the driver executed meanwhile. */
  async during(call: () => Promise<unknown>): Promise<string[]> {
    const statements: string[] = [];
    this.recording = statements;
    try {
      await call();
    } finally {
      this.recording = null;
    }
    return statements;
  }

  uninstall(): void {
    for (const restore of this.restore.splice(0)) restore();
  }

  private wrap(target: Record<string, unknown>, method: string, text: (self: unknown, args: unknown[]) => string): void {
    const original = target[method] as (...args: unknown[]) => unknown;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrapper needs both `this`es
    const trace = this;
    target[method] = function (this: unknown, ...args: unknown[]) {
      trace.recording?.push(text(this, args));
      return original.apply(this, args);
    };
    this.restore.push(() => (target[method] = original));
  }
}
