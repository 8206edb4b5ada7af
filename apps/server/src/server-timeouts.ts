/**
 * The reference server's connection timeouts, set deliberately on every framework (docs/deploying.md,
 * "Timeouts"): how long a request's header section may take (`MCP_HEADERS_TIMEOUT`), the whole
 * request (`MCP_REQUEST_TIMEOUT`), and an idle keep-alive connection (`MCP_KEEP_ALIVE_TIMEOUT`).
 *
 * Node's defaults let a connection that sent half a header sit for 60 s (`headersTimeout`), and
 * it only looks every 30 s (`connectionsCheckingInterval`): up to 90 s per connection, so a few
 * thousand such connections opened in that window exhaust the process's file descriptors.
 * Fastify's own defaults add a 72 s keep-alive.
 *
 * @module
 */
import type { ServerOptions } from 'node:http';
import type { ServerSettings } from './server-config.js';

type Timeouts = Pick<ServerSettings, 'headersTimeout' | 'requestTimeout' | 'keepAliveTimeout'>;

/**
 * The `node:http` server options of the configured timeouts, for `http.createServer(options)`:
 * milliseconds, and a connection check every quarter of the headers timeout (at most 5 s), so a
 * stalled connection is closed within 1.25 times the timeout rather than up to 30 s after it.
 *
 * @example
 * ```ts
 * const server = http.createServer(serverTimeoutOptions(settings), app);
 * ```
 */
export function serverTimeoutOptions(settings: Timeouts): ServerOptions {
  const headersTimeout = Math.round(settings.headersTimeout * 1000);
  return {
    headersTimeout,
    // Node requires requestTimeout ≥ headersTimeout when both are set.
    requestTimeout: Math.max(headersTimeout, Math.round(settings.requestTimeout * 1000)),
    keepAliveTimeout: Math.round(settings.keepAliveTimeout * 1000),
    connectionsCheckingInterval: Math.min(5000, Math.max(100, Math.round(headersTimeout / 4))),
  };
}
