/**
 * DNS rebinding protection for a server bound to a loopback address (MCP transport spec,
 * "Security Warning"): a web page must not reach a local MCP server through a hostname it
 * controls, so Host and Origin are checked against the names this server answers to.
 *
 * @module
 */
import { localhostAllowedHostnames, validateHostHeader, validateOriginHeader } from '@modelcontextprotocol/server';

/** A request the guard refuses: answer with this status and JSON body. */
export interface RebindingRejection {
  status: 403;
  body: { error: 'forbidden'; error_description: string };
}

/** Checks a request's Host and Origin headers; `undefined` means it may proceed. */
export type RebindingGuard = (host: string | undefined, origin: string | undefined) => RebindingRejection | undefined;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Whether the server listens only on a loopback address, where the guard applies. */
export function isLoopbackBind(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

/**
 * Builds the guard once at start-up. Allowed names: the localhost family plus the hostname of
 * the public resource URL (so a tunnel or reverse proxy in front of a loopback bind works).
 * Returns a guard that allows everything when the server is not bound to loopback.
 *
 * @example
 * ```ts
 * const guard = createRebindingGuard('127.0.0.1', 'http://localhost:8000/mcp');
 * guard('evil.example', undefined); // { status: 403, ... }
 * ```
 */
export function createRebindingGuard(bindHost: string, resourceUrl: string): RebindingGuard {
  if (!isLoopbackBind(bindHost)) return () => undefined;
  const resourceHost = new URL(resourceUrl).hostname;
  const allowed = [...new Set([...localhostAllowedHostnames(), resourceHost])];
  return (host, origin) => {
    const hostResult = validateHostHeader(host, allowed);
    if (!hostResult.ok) return { status: 403, body: { error: 'forbidden', error_description: 'Host not allowed' } };
    const originResult = validateOriginHeader(origin, allowed);
    if (!originResult.ok) return { status: 403, body: { error: 'forbidden', error_description: 'Origin not allowed' } };
    return undefined;
  };
}
