/**
 * What the Fastify adapter hands to the core's decision: the credential headers (`DPoP` included),
 * the method and path, and the body Fastify's content-type parser already produced. Never the
 * whole request.
 *
 * @module
 */
import { type AuthRequest, credentialHeader } from '@mcp-warden/core/adapter';
import type { FastifyRequest } from 'fastify';

/**
 * Every copy of a credential header, joined (see `credentialHeader`). `app.inject()` requests are
 * not Node requests (no `headersDistinct`): their `headers` are used as given.
 */
function headerValue(request: FastifyRequest, name: string): string | null {
  const raw = request.raw;
  if (!('headersDistinct' in raw)) {
    const values = request.headers[name];
    if (values === undefined) return null;
    return Array.isArray(values) ? (values.length === 0 ? null : values.join(', ')) : values;
  }
  return credentialHeader(raw.rawHeaders, name);
}

/**
 * The request as the core sees it. A class rather than an object literal with getters: the path
 * and client address only appear in the log line of a rejection, so they are computed when read,
 * and prototype getters cost nothing per request where literal accessors allocate.
 */
class FastifyAuthRequest implements AuthRequest {
  readonly authorization: string | null;
  readonly method: string;
  readonly body: unknown;
  readonly #request: FastifyRequest;

  constructor(request: FastifyRequest, withoutBody: boolean) {
    this.#request = request;
    this.authorization = headerValue(request, 'authorization');
    this.method = request.method;
    this.body = withoutBody ? undefined : request.body;
  }

  /** Read only when the cache did not answer (see core's AuthRequest.apiKey): a cached Bearer request never scans for it. */
  get apiKey(): string | null {
    return headerValue(this.#request, 'x-api-key');
  }

  /** Read only for a loopback resource (see core's AuthRequest.host). */
  get host(): string | undefined {
    return this.#request.headers.host;
  }

  /** Read only for `Authorization: DPoP` (see core's AuthRequest.dpop): Bearer requests never scan for it. */
  get dpop(): string | null {
    return headerValue(this.#request, 'dpop');
  }

  /** The path as the client sent it, as a DPoP proof's `htu` names it. */
  get path(): string {
    const url = this.#request.url;
    const query = url.indexOf('?');
    return query === -1 ? url : url.slice(0, query);
  }

  /** request.ip honours Fastify's trustProxy option. */
  get clientAddress(): string | undefined {
    return this.#request.ip;
  }
}

/**
 * Extracts the {@link AuthRequest} the authenticator needs from a Fastify request;
 * `withoutBody` before the body is parsed.
 */
export function toAuthRequest(request: FastifyRequest, withoutBody = false): AuthRequest {
  return new FastifyAuthRequest(request, withoutBody);
}
