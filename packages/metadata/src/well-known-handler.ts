/**
 * The framework-free `Request -> Response` handler for the discovery documents (RFC 9728 §3, RFC 8414 §3), for
 * runtimes and frameworks built on the Fetch API (Hono, Bun, Deno, workers, Next.js).
 *
 * @module
 */

import { createWellKnownResponder, type WellKnownDocument } from './well-known-responder.js';

/**
 * Builds a handler that answers the given well-known routes and returns `undefined` for every
 * other path, so it can sit in front of any application: `(await handle(req)) ?? next(req)`.
 *
 * @example
 * ```ts
 * const handle = createWellKnownHandler(provider.documents());
 * const response = await handle(new Request('https://mcp.example.com/.well-known/oauth-protected-resource/mcp'));
 * ```
 */
export function createWellKnownHandler(
  documents: readonly WellKnownDocument[],
): (request: Request) => Promise<Response | undefined> {
  const respond = createWellKnownResponder(documents);
  return async (request) => {
    const url = new URL(request.url);
    const answer = respond(request.method, url.pathname, request.headers.get('host') ?? url.host);
    if (answer === undefined) return undefined;
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };
}
