/**
 * A listener for what the session machinery does, for dashboards and alerts (Prometheus through
 * `PromClientSessionMetrics`, or your own). Every method is optional and called synchronously on
 * the request path: keep it to a counter increment. Without the `metrics` option nothing is
 * measured and nothing is called.
 */
export interface SessionMetrics {
  /** A request opened its session; `fresh` when it carried no valid one (a new, empty session). */
  opened?(event: SessionOpenedEvent): void;
  /** A session was written: its data to the store, or its cookie (the cookie store). */
  saved?(event: SessionSavedEvent): void;
  /** One call to the server-side store finished, in `durationMs`; `ok` is false when it failed or timed out. */
  storeCall?(event: StoreCallEvent): void;
  /** A request failed with 503 because the store failed or timed out during `operation`. */
  unavailable?(event: { operation: string }): void;
}

export interface SessionOpenedEvent {
  fresh: boolean;
}

export interface SessionSavedEvent {
  /** `'cookie'` for the cookie store, `'store'` for server-side stores. */
  kind: 'cookie' | 'store';
}

export interface StoreCallEvent {
  /** The store method: `get`, `save`, `touch`, `destroy`, `findByUser`, `ping`. */
  operation: string;
  durationMs: number;
  ok: boolean;
}
