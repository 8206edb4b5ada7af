/**
 * The reference middleware: what any authentication middleware with mcp-warden's shape costs on
 * a framework before it authenticates anything. It reads the `Authorization` header, awaits once,
 * attaches an identity to the request and adds the CORS headers (docs/requirements.md, "Browser clients") to the response, exactly like
 * the adapters, but verifies nothing. The gap between it and the bare route is the framework's
 * own price for a middleware; the gap between it and mcp-warden is mcp-warden's.
 *
 * @module
 */

/** The response headers every adapter adds by default (docs/requirements.md, "Browser clients"). */
export const ALLOW_ORIGIN = 'Access-Control-Allow-Origin';
export const EXPOSE_HEADERS = 'Access-Control-Expose-Headers';
export const EXPOSED_LIST = 'WWW-Authenticate, Retry-After, DPoP-Nonce, Mcp-Session-Id, Mcp-Protocol-Version';

/** A fixed caller, attached when a credential was sent. */
export const REFERENCE_IDENTITY = Object.freeze({
  token: 'reference',
  clientId: 'reference',
  scopes: [] as string[],
  extra: Object.freeze({ method: 'jwt' as const }),
});

/** The identity for a header value, behind one await as an asynchronous verifier would be. */
export function referenceIdentity(authorization: string | null | undefined) {
  return Promise.resolve(authorization ? REFERENCE_IDENTITY : undefined);
}
