/**
 * Test fixture: a provider's answer written as a Fetch-API `Response`, the way a Fetch-API server
 * (Bun, Deno, a worker) serves the documents: `prepare(pathname)` awaited, then
 * `respond(method, pathname, host)`.
 *
 * @module
 */

import type { MetadataRoutes } from '@mcp-warden/core/adapter';

export async function fetchAnswer(
  metadata: Pick<MetadataRoutes, 'respond' | 'prepare'>,
  request: Request,
): Promise<Response | undefined> {
  const url = new URL(request.url);
  await metadata.prepare?.(url.pathname);
  const answer = metadata.respond(request.method, url.pathname, request.headers.get('host') ?? url.host);
  return answer === undefined ? undefined : new Response(answer.body, answer);
}
