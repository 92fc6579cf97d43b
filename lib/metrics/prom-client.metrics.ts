import type { SessionMetrics, SessionOpenedEvent, SessionSavedEvent, StoreCallEvent } from '../interfaces/session-metrics.interface';

type Labels = Record<string, string>;

/** The part of `prom-client` this adapter uses: pass the module itself (`import * as promClient from 'prom-client'`). */
export interface PromClientLike {
  Counter: new (config: { name: string; help: string; labelNames: string[]; registers?: any[] }) => { inc(labels: Labels, value?: number): void };
  Histogram: new (config: { name: string; help: string; labelNames: string[]; buckets: number[]; registers?: any[] }) => { observe(labels: Labels, value: number): void };
}

/** Options of {@link PromClientSessionMetrics}. */
export interface PromClientSessionMetricsOptions {
  /** Prefix of every metric name. @default 'nest_session_' */
  prefix?: string;
  /** Registries to register with (prom-client's `registers`). @default [the global registry] */
  registers?: any[];
  /** Buckets of the store latency histogram, in seconds. @default [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] */
  buckets?: number[];
}

/**
 * {@link SessionMetrics} as Prometheus metrics through `prom-client`, which this library never
 * imports: you pass the module in, so an app without Prometheus loads nothing. Metrics (with the
 * default prefix):
 * - `nest_session_opened_total{fresh}`: sessions opened by requests;
 * - `nest_session_saved_total{kind}`: sessions written (`store` or `cookie`);
 * - `nest_session_store_duration_seconds{operation,outcome}`: store call latency (histogram);
 * - `nest_session_store_errors_total{operation}`: store calls that failed or timed out;
 * - `nest_session_unavailable_total{operation}`: requests answered 503 because of the store.
 */
export class PromClientSessionMetrics implements SessionMetrics {
  private readonly openedTotal;
  private readonly savedTotal;
  private readonly duration;
  private readonly errors;
  private readonly unavailableTotal;

  constructor(client: PromClientLike, options: PromClientSessionMetricsOptions = {}) {
    const prefix = options.prefix ?? 'nest_session_';
    const registers = options.registers;
    const counter = (name: string, help: string, labelNames: string[]) => new client.Counter({ name: prefix + name, help, labelNames, ...(registers && { registers }) });
    this.openedTotal = counter('opened_total', 'Sessions opened by requests; fresh="true" when the request carried no valid session.', ['fresh']);
    this.savedTotal = counter('saved_total', 'Sessions written, to the store or to the cookie.', ['kind']);
    this.errors = counter('store_errors_total', 'Session store calls that failed or timed out.', ['operation']);
    this.unavailableTotal = counter('unavailable_total', 'Requests answered 503 because the session store failed.', ['operation']);
    this.duration = new client.Histogram({
      name: `${prefix}store_duration_seconds`,
      help: 'Latency of session store calls.',
      labelNames: ['operation', 'outcome'],
      buckets: options.buckets ?? [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      ...(registers && { registers }),
    });
  }

  opened(event: SessionOpenedEvent): void {
    this.openedTotal.inc({ fresh: String(event.fresh) });
  }

  saved(event: SessionSavedEvent): void {
    this.savedTotal.inc({ kind: event.kind });
  }

  storeCall(event: StoreCallEvent): void {
    this.duration.observe({ operation: event.operation, outcome: event.ok ? 'ok' : 'error' }, event.durationMs / 1000);
    if (!event.ok) this.errors.inc({ operation: event.operation });
  }

  unavailable(event: { operation: string }): void {
    this.unavailableTotal.inc({ operation: event.operation });
  }
}
