/**
 * Serves the discovery documents (RFC 9728 protected-resource metadata at the path-inserted and
 * root URLs, RFC 8414 authorization-server metadata) from `@mcp-warden/metadata` (RFC 9728, RFC 8414).
 *
 * @module
 */
import type { MetadataRoutes } from '@mcp-warden/core/adapter';
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import { waitUntilOf } from './wait-until.js';

/** Options for {@link wardenMetadata}. */
export interface WardenMetadataOptions {
  /** The provider from `createMetadataProvider(config)`. */
  metadata: MetadataRoutes;
}

/**
 * The metadata package's own answer (status, headers, body) for a request on one of the
 * provider's well-known paths, or `undefined` for any other path. A promise when the answer waits
 * for a document still being fetched (the provider's mirrored metadata, fetched on first use).
 */
export function respondWithMetadata(metadata: MetadataRoutes, c: Context): Response | Promise<Response> | undefined {
  const path = c.req.path;
  const loading = metadata.prepare?.(path, waitUntilOf(c));
  if (loading !== undefined) {
    return loading.then(() => writeAnswer(metadata, c, path) ?? c.notFound());
  }
  return writeAnswer(metadata, c, path);
}

function writeAnswer(metadata: MetadataRoutes, c: Context, path: string): Response | undefined {
  const answer = metadata.respond(c.req.method, path, c.req.header('host'));
  if (answer === undefined) return undefined;
  return answer.body === null
    ? c.body(null, answer.status as StatusCode, answer.headers)
    : c.body(answer.body, answer.status as ContentfulStatusCode, answer.headers);
}

/**
 * Hono middleware serving the discovery documents. Mount it on the root application, before
 * anything that requires authentication: the well-known endpoints never do (RFC 9728 §3). GET and HEAD
 * answer the document, OPTIONS answers the CORS preflight, any other method gets a 405 with
 * `Allow`; every other path goes on to `next()`.
 *
 * @example
 * ```ts
 * import { createMetadataProvider } from '@mcp-warden/metadata';
 * import { wardenMetadata } from '@mcp-warden/hono';
 *
 * app.use(wardenMetadata({ metadata: await createMetadataProvider(config) }));
 * ```
 */
export function wardenMetadata(options: WardenMetadataOptions): MiddlewareHandler {
  const metadata = options?.metadata;
  if (metadata === undefined || typeof metadata.respond !== 'function') {
    throw new TypeError('wardenMetadata: options.metadata must be a provider from createMetadataProvider()');
  }
  return async function wardenMetadataMiddleware(c, next) {
    const response = respondWithMetadata(metadata, c);
    if (response !== undefined) return await response;
    await next();
  };
}
