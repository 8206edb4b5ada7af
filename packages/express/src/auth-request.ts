/**
 * What the Express adapter hands to the core's decision: the credential headers, the method and
 * path, and the body `express.json()` already parsed. Never the whole request.
 *
 * @module
 */
import type { AuthRequest } from '@mcp-warden/core';
import type { Request } from 'express';

/**
 * Node keeps only the first `Authorization` header in `req.headers` and silently drops the rest;
 * `headersDistinct` keeps every copy. Joining them lets the core see, and reject, a request that
 * carries two credentials instead of authenticating whichever came first.
 */
function headerValue(req: Request, name: string): string | null {
  const values = req.headersDistinct[name];
  return values === undefined || values.length === 0 ? null : values.join(', ');
}

/** Extracts the {@link AuthRequest} the authenticator needs from an Express request. */
export function toAuthRequest(req: Request): AuthRequest {
  const url = req.originalUrl;
  const query = url.indexOf('?');
  return {
    authorization: headerValue(req, 'authorization'),
    apiKey: headerValue(req, 'x-api-key'),
    method: req.method,
    path: query === -1 ? url : url.slice(0, query),
    body: req.body,
    // req.ip honours the app's "trust proxy" setting; the socket address otherwise.
    clientAddress: req.ip ?? req.socket.remoteAddress,
  };
}
