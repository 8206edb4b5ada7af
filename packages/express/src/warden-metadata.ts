/**
 * Serves the discovery documents (RFC 9728 protected-resource metadata at the path-inserted and
 * root URLs, RFC 8414 authorization-server metadata) from `@mcp-warden/metadata` (RFC 9728, RFC 8414).
 *
 * @module
 */
import type { MetadataRoutes } from '@mcp-warden/core/adapter';
import { type Request, type Response, Router } from 'express';

/** Options for {@link wardenMetadata}. */
export interface WardenMetadataOptions {
  /** The provider from `createMetadataProvider(config)`. */
  metadata: MetadataRoutes;
}

/**
 * Answers a request on one of the provider's well-known paths with the metadata package's own
 * answer (status, headers, body), and reports whether it did (or will, once a document still being
 * fetched, the provider's mirrored metadata, is in). Any other path is left alone.
 */
export function respondWithMetadata(metadata: MetadataRoutes, req: Request, res: Response): boolean {
  const path = req.originalUrl.split('?', 1)[0] ?? '/';
  const loading = metadata.prepare?.(path);
  if (loading === undefined) return writeAnswer(metadata, req, res, path);
  loading
    .then(() => {
      if (!writeAnswer(metadata, req, res, path)) res.status(404).end();
    })
    // Never an unhandled rejection: a response that cannot be written is dropped.
    .catch(() => res.destroy());
  return true;
}

function writeAnswer(metadata: MetadataRoutes, req: Request, res: Response, path: string): boolean {
  const answer = metadata.respond(req.method, path, req.headers.host);
  if (answer === undefined) return false;
  res.status(answer.status);
  // setHeader, not res.set: Express would append "; charset=utf-8" to the Content-Type.
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.end(answer.body ?? undefined);
  return true;
}

/**
 * An Express router serving the discovery documents. Mount it at the application root, before
 * anything that requires authentication: the well-known endpoints never do (RFC 9728 §3). GET and HEAD
 * answer the document, OPTIONS answers the CORS preflight, any other method gets a 405 with
 * `Allow`; every other path goes on to `next()`.
 *
 * @example
 * ```ts
 * import { createMetadataProvider } from '@mcp-warden/metadata';
 * import { wardenMetadata } from '@mcp-warden/express';
 *
 * app.use(wardenMetadata({ metadata: await createMetadataProvider(config) }));
 * ```
 */
export function wardenMetadata(options: WardenMetadataOptions): Router {
  const metadata = options?.metadata;
  if (metadata === undefined || typeof metadata.respond !== 'function') {
    throw new TypeError('wardenMetadata: options.metadata must be a provider from createMetadataProvider()');
  }
  const router = Router();
  router.use((req, res, next) => {
    if (!respondWithMetadata(metadata, req, res)) next();
  });
  return router;
}
