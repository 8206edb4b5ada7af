/**
 * What the Hono adapter hands to the core's decision: the credential headers, the method and path,
 * and the JSON body. Never the whole request.
 *
 * @module
 */
import type { AuthRequest } from '@mcp-warden/core';
import type { Context } from 'hono';

/** `application/json`, with or without parameters: what `express.json()` and Fastify parse by default. */
const JSON_MEDIA_TYPE = /^\s*application\/json\s*(?:;|$)/i;

/**
 * The JSON body, read from a clone of the raw request: the MCP handler behind this middleware
 * (`handler.fetch(c.req.raw)`) must still find the original body unread. When an earlier
 * middleware already read it through `c.req.json()` (a validator), Hono's body cache has it. A
 * body that is absent, not JSON, or not parseable is `undefined`: no tool can be called with it,
 * and the MCP handler answers it itself.
 */
async function jsonBody(c: Context): Promise<unknown> {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || !JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '')) {
    return undefined;
  }
  try {
    return await (c.req.raw.bodyUsed ? c.req.json() : c.req.raw.clone().json());
  } catch {
    return undefined;
  }
}

/**
 * Extracts the {@link AuthRequest} the authenticator needs from a Hono context. Repeated
 * `Authorization` headers arrive joined by the Fetch `Headers` object (`a, b`), which the core
 * rejects as malformed rather than picking one.
 *
 * @param readBody - whether a `tools/call` check needs the body (tool scopes configured, R7);
 * without one the body is never read.
 */
/**
 * The peer address where the runtime exposes it: `@hono/node-server` passes the Node request as
 * `c.env.incoming`. Other runtimes leave it undefined (it is only used in logs).
 */
function clientAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

export async function toAuthRequest(c: Context, readBody: boolean): Promise<AuthRequest> {
  return {
    authorization: c.req.header('authorization') ?? null,
    apiKey: c.req.header('x-api-key') ?? null,
    method: c.req.method,
    path: c.req.path,
    body: readBody ? await jsonBody(c) : undefined,
    clientAddress: clientAddress(c),
  };
}
