/**
 * Test fixture: a provider's `respond(method, pathname)` answer written as a Fetch-API `Response`,
 * the way a Fetch-API server (Bun, Deno, a worker) serves the documents.
 *
 * @module
 */

import type { MetadataRoutes } from '@mcp-warden/core/adapter';

export function fetchAnswer(metadata: Pick<MetadataRoutes, 'respond'>, request: Request): Response | undefined {
  const url = new URL(request.url);
  const answer = metadata.respond(request.method, url.pathname, request.headers.get('host') ?? url.host);
  return answer === undefined ? undefined : new Response(answer.body, answer);
}
