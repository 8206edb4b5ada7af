/**
 * What the Express adapter hands to the core's decision: the credential headers (`DPoP` included),
 * the method and path, and the body `express.json()` already parsed. Never the whole request.
 *
 * @module
 */
import { type AuthRequest, credentialHeader } from '@mcp-warden/core/adapter';
import type { Request } from 'express';

/**
 * The request as the core sees it. A class rather than an object literal with getters: the path
 * and client address only appear in the log line of a rejection, so they are computed when read,
 * and prototype getters cost nothing per request where literal accessors allocate.
 */
class ExpressAuthRequest implements AuthRequest {
  readonly authorization: string | null;
  readonly method: string;
  readonly body: unknown;
  readonly #req: Request;

  constructor(req: Request, withoutBody: boolean) {
    this.#req = req;
    this.authorization = credentialHeader(req.rawHeaders, 'authorization');
    this.method = req.method;
    this.body = withoutBody ? undefined : req.body;
  }

  /** Read only when the cache did not answer (see core's AuthRequest.apiKey): a cached Bearer request never scans for it. */
  get apiKey(): string | null {
    return credentialHeader(this.#req.rawHeaders, 'x-api-key');
  }

  /** Read only for a loopback resource (see core's AuthRequest.host). */
  get host(): string | undefined {
    return this.#req.headers.host;
  }

  /** Read only for `Authorization: DPoP` (see core's AuthRequest.dpop): Bearer requests never scan for it. */
  get dpop(): string | null {
    return credentialHeader(this.#req.rawHeaders, 'dpop');
  }

  /** The path as the client sent it (`originalUrl`, not the router's), as a DPoP proof's `htu` names it. */
  get path(): string {
    const url = this.#req.originalUrl;
    const query = url.indexOf('?');
    return query === -1 ? url : url.slice(0, query);
  }

  /** req.ip honours the app's "trust proxy" setting; the socket address otherwise. */
  get clientAddress(): string | undefined {
    return this.#req.ip ?? this.#req.socket.remoteAddress;
  }
}

/**
 * Extracts the {@link AuthRequest} the authenticator needs from an Express request;
 * `withoutBody` while the body is still unread.
 */
export function toAuthRequest(req: Request, withoutBody = false): AuthRequest {
  return new ExpressAuthRequest(req, withoutBody);
}
