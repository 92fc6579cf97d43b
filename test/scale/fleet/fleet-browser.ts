/** One HTTP answer, as the browser saw it, with when it started and how long it took. */
export interface Answer {
  status: number;
  json: any;
  body: string;
  /** Index of the app process that answered. */
  server: number;
  startedAt: number;
  ms: number;
}

/** Status 0: no answer at all within the client's own deadline (a hung request). */
export const NO_ANSWER = 0;

/**
 * One browser whose requests a load balancer without sticky sessions spreads round-robin over
 * the app processes of a fleet: one cookie jar, a different server for each request (unless a
 * test names one). Requests that get no answer within `deadlineMs` are aborted and reported with
 * status 0, so a hang shows up as a figure instead of a stuck test.
 */
export class FleetBrowser {
  readonly jar = new Map<string, string>();
  private turn: number;

  constructor(
    private readonly urls: string[],
    { start = 0, deadlineMs = 10000 }: { start?: number; deadlineMs?: number } = {},
  ) {
    this.turn = start;
    this.deadlineMs = deadlineMs;
  }

  private readonly deadlineMs: number;

  /** The server the next request goes to when none is named. */
  get next(): number {
    return this.turn % this.urls.length;
  }

  async request(method: string, path: string, { body, server }: { body?: unknown; server?: number } = {}): Promise<Answer> {
    const target = server ?? this.turn++ % this.urls.length;
    const headers: Record<string, string> = {};
    const cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const startedAt = Date.now();
    const started = performance.now();
    try {
      const response = await fetch(this.urls[target] + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.deadlineMs),
      });
      const text = await response.text();
      this.keepCookies(response.headers.getSetCookie());
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: response.status, json, body: text, server: target, startedAt, ms: Math.round(performance.now() - started) };
    } catch (error) {
      return { status: NO_ANSWER, json: undefined, body: String(error), server: target, startedAt, ms: Math.round(performance.now() - started) };
    }
  }

  get(path: string, server?: number): Promise<Answer> {
    return this.request('GET', path, { server });
  }

  post(path: string, body?: unknown, server?: number): Promise<Answer> {
    return this.request('POST', path, { body, server });
  }

  private keepCookies(headers: string[]): void {
    for (const header of headers) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || attributes.some((a) => /^max-age=0$/i.test(a))) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
}
