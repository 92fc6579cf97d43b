import type { IncomingMessage } from 'node:http';

/** Module-private key of a ws client's upgrade request. */
const UPGRADE_REQUEST = Symbol('nest-session.upgrade-request');

/** The part of a Nest WebSocket adapter that sees connections (`WsAdapter`, `IoAdapter` and subclasses). */
export interface ConnectingAdapter {
  bindClientConnect(server: any, callback: (...args: any[]) => void): any;
}

/** The name the session's errors and docs use for a gateway's transport. */
export function socketTransport(client: object): 'socket.io' | 'ws' {
  return 'handshake' in client ? 'socket.io' : 'ws';
}

/**
 * The HTTP request that opened a socket, whose cookie carries the session: socket.io keeps it as
 * `socket.request`; a ws client keeps nothing, so {@link keepUpgradeRequest} stores it.
 */
export function socketRequest(client: object): IncomingMessage | undefined {
  const request = (client as { request?: IncomingMessage }).request ?? (client as Record<symbol, IncomingMessage | undefined>)[UPGRADE_REQUEST];
  return request?.headers ? request : undefined;
}

/**
 * Makes a ws adapter keep each client's upgrade request, so gateway handlers can read the
 * session from its cookie. The `ws` package hands the request to the server's `connection`
 * listener only, and Nest's `WsAdapter` does not keep it on the client:
 *
 *     app.useWebSocketAdapter(keepUpgradeRequest(new WsAdapter(app)));
 *
 * Works on any adapter (subclasses of `WsAdapter` with their own parser included) and returns it.
 * socket.io keeps the request itself and needs none of this.
 */
export function keepUpgradeRequest<T extends ConnectingAdapter>(adapter: T): T {
  const bind = adapter.bindClientConnect.bind(adapter);
  adapter.bindClientConnect = (server: any, callback: (...args: any[]) => void) =>
    bind(server, (client: object, request?: IncomingMessage, ...rest: unknown[]) => {
      if (client && typeof client === 'object' && request?.headers) (client as Record<symbol, IncomingMessage>)[UPGRADE_REQUEST] = request;
      callback(client, request, ...rest);
    });
  return adapter;
}
