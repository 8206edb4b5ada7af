/**
 * Test fixture: a provider's `respond(method, pathname)` answer written as a Fetch-API `Response`,
 * the way a Fetch-API server (Bun, Deno, a worker) serves the documents.
 *
 * @module
 */

import type { MetadataRoutes } from '@mcp-warden/core/adapter';

export function fetchAnswer(metadata: Pick<MetadataRoutes, 'respond'>, request: Request): Response | undefined {
  const answer = metadata.respond(request.method, new URL(request.url).pathname);
  return answer === undefined ? undefined : new Response(answer.body, answer);
}
