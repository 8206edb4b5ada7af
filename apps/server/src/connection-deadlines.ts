/**
 * The reference server's connection timeouts, set deliberately on every framework (docs/deploying.md,
 * "Timeouts"): how long a request's header section may take (`MCP_HEADERS_TIMEOUT`), the whole
 * request (`MCP_REQUEST_TIMEOUT`), and an idle keep-alive connection (`MCP_KEEP_ALIVE_TIMEOUT`).
 *
 * Node's own `headersTimeout` and `requestTimeout` only apply to the first request of a
 * connection: after one complete request on a keep-alive connection, a second request that
 * stops halfway through its headers is never expired by Node's connection check, and its first
 * byte cancels the keep-alive timer (nodejs/node#58140, Node 20–24). Such connections stay open
 * until the process runs out of file descriptors. {@link enforceConnectionDeadlines} closes them
 * with its own per-connection deadline.
 *
 * @module
 */
import type { IncomingMessage, Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { WardenConfig } from '@mcp-warden/core';

type Timeouts = Pick<WardenConfig, 'headersTimeout' | 'requestTimeout' | 'keepAliveTimeout'>;

/**
 * The `node:http` server options of the configured timeouts, for `http.createServer(options)`:
 * milliseconds, and a connection check often enough to act within a quarter of the headers
 * timeout (Node checks every 30 s by default, which makes a 10 s timeout up to 40 s).
 */
export function serverTimeoutOptions(config: Timeouts): ServerOptions {
  const headersTimeout = Math.round(config.headersTimeout * 1000);
  return {
    headersTimeout,
    requestTimeout: Math.max(headersTimeout, Math.round(config.requestTimeout * 1000)),
    keepAliveTimeout: Math.round(config.keepAliveTimeout * 1000),
    connectionsCheckingInterval: Math.min(5000, Math.max(100, Math.round(headersTimeout / 4))),
  };
}

type DeadlineKind = 'headers' | 'request';
const deadlines = new WeakMap<Socket, { timer: NodeJS.Timeout; kind: DeadlineKind }>();

/** Clears the socket's deadline (only one of `kind` when given). */
function clear(socket: Socket, kind?: DeadlineKind): void {
  const deadline = deadlines.get(socket);
  if (deadline === undefined || (kind !== undefined && deadline.kind !== kind)) return;
  clearTimeout(deadline.timer);
  deadlines.delete(socket);
}

function arm(socket: Socket, kind: DeadlineKind, ms: number, onExpiry: (socket: Socket) => void): void {
  clear(socket);
  if (socket.destroyed) return;
  const timer = setTimeout(() => {
    deadlines.delete(socket);
    onExpiry(socket);
  }, ms);
  timer.unref();
  deadlines.set(socket, { timer, kind });
}

/**
 * Gives every connection of `server` a deadline for each request's header section: from the
 * connection's start for the first request, and from the end of each response (plus the
 * keep-alive time) for the next. A connection whose headers are not complete by then is handed to
 * `onExpiry` (which answers 408 and closes it). A request whose body has not arrived within the
 * request timeout is closed the same way. A response that streams (SSE) has no deadline.
 *
 * @example
 * ```ts
 * const server = http.createServer(serverTimeoutOptions(config), app);
 * enforceConnectionDeadlines(server, config, (socket) => socket.destroy());
 * ```
 */
export function enforceConnectionDeadlines(server: Server, config: Timeouts, onExpiry: (socket: Socket) => void): void {
  const { headersTimeout, requestTimeout, keepAliveTimeout } = serverTimeoutOptions(config) as Required<
    Pick<ServerOptions, 'headersTimeout' | 'requestTimeout' | 'keepAliveTimeout'>
  >;
  server.on('connection', (socket: Socket) => {
    arm(socket, 'headers', headersTimeout, onExpiry);
    socket.once('close', () => clear(socket));
  });
  server.on('request', (req: IncomingMessage, res) => {
    const socket = req.socket;
    clear(socket);
    if (!req.complete) {
      arm(socket, 'request', requestTimeout, (expired) => {
        if (!req.complete) onExpiry(expired);
      });
      req.once('end', () => clear(socket, 'request'));
    }
    res.once('finish', () => {
      if (!socket.destroyed) arm(socket, 'headers', keepAliveTimeout + headersTimeout, onExpiry);
    });
  });
}
