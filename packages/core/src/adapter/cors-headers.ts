/**
 * The CORS headers every MCP endpoint behind mcp-warden answers with (docs/requirements.md, "Browser clients"), so that browser-based
 * MCP clients can both send credentials and read the challenge that tells them how to get one.
 * Core owns them so the three adapters cannot drift apart.
 *
 * @module
 */

/**
 * Request headers an MCP client sends (docs/requirements.md, "Browser clients"): credentials, the JSON body, and the MCP transport's
 * own headers (Streamable HTTP sessions, protocol version, SSE resumption).
 */
const ALLOWED_HEADERS = 'Authorization, X-API-Key, Content-Type, Mcp-Protocol-Version, Mcp-Session-Id, Last-Event-ID';

/** The Streamable HTTP transport uses POST for messages, GET for the SSE stream, DELETE to end a session. */
const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';

/**
 * Response headers a browser must let the client read: the challenge (RFC 6750 §3, RFC 9728 §5.1; docs/requirements.md, "Browser clients"), the back-off of a
 * 503, and the MCP session and protocol headers. None of them is CORS-safelisted.
 */
const EXPOSED_HEADERS = ['WWW-Authenticate', 'Retry-After', 'Mcp-Session-Id', 'Mcp-Protocol-Version'];
const EXPOSED_LIST = EXPOSED_HEADERS.join(', ');

/**
 * Headers of the `204` answer to a preflight (docs/requirements.md, "Browser clients").
 *
 * @example
 * ```ts
 * if (method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS_PREFLIGHT_HEADERS });
 * ```
 */
export const CORS_PREFLIGHT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': ALLOWED_METHODS,
  'Access-Control-Allow-Headers': ALLOWED_HEADERS,
  'Access-Control-Expose-Headers': EXPOSED_LIST,
});

/**
 * The `Access-Control-Expose-Headers` value after adding ours to what the application (or its own
 * CORS middleware) already set, so neither side erases the other's entries.
 *
 * @example
 * ```ts
 * mergeExposedHeaders('X-Request-Id'); // 'X-Request-Id, WWW-Authenticate, Retry-After, Mcp-Session-Id, Mcp-Protocol-Version'
 * ```
 */
export function mergeExposedHeaders(current: string | undefined): string {
  if (current === undefined || current.trim() === '') return EXPOSED_LIST;
  if (current.trim() === '*') return current;
  const present = new Set(current.split(',').map((name) => name.trim().toLowerCase()));
  const missing = EXPOSED_HEADERS.filter((name) => !present.has(name.toLowerCase()));
  return missing.length === 0 ? current : `${current}, ${missing.join(', ')}`;
}
