/**
 * What the Fastify adapter hands to the core's decision: the credential headers, the method and
 * path, and the body Fastify's content-type parser already produced. Never the whole request.
 *
 * @module
 */
import type { AuthRequest } from '@mcp-warden/core';
import type { FastifyRequest } from 'fastify';

/**
 * Node keeps only the first `Authorization` header in `headers` and silently drops the rest;
 * `headersDistinct` keeps every copy. Joining them lets the core see, and reject, a request that
 * carries two credentials instead of authenticating whichever came first. `app.inject()` requests
 * have no `headersDistinct`: their `headers` are used as given.
 */
function headerValue(request: FastifyRequest, name: string): string | null {
  const distinct = (request.raw as { headersDistinct?: Record<string, string[] | undefined> }).headersDistinct;
  const values = distinct === undefined ? request.headers[name] : distinct[name];
  if (values === undefined) return null;
  return Array.isArray(values) ? (values.length === 0 ? null : values.join(', ')) : values;
}

/** Extracts the {@link AuthRequest} the authenticator needs from a Fastify request. */
export function toAuthRequest(request: FastifyRequest): AuthRequest {
  const url = request.url;
  const query = url.indexOf('?');
  return {
    authorization: headerValue(request, 'authorization'),
    apiKey: headerValue(request, 'x-api-key'),
    method: request.method,
    path: query === -1 ? url : url.slice(0, query),
    body: request.body,
    // request.ip honours Fastify's trustProxy option.
    clientAddress: request.ip,
  };
}
