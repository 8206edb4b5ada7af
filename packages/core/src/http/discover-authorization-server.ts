/**
 * Authorization-server metadata discovery from an issuer (docs/requirements.md, "Signing keys", RFC 8414, OpenID Connect
 * Discovery 1.0): used to find the `jwks_uri` when none is configured, and by
 * `@mcp-warden/metadata` to mirror the provider's real metadata (RFC 8414 §3).
 *
 * @module
 */

import { AuthError } from '../errors/auth-error.js';
import { FetchJsonError, fetchJson } from './fetch-json.js';

const DEFAULT_TIMEOUT_MS = 5000;

/** Options for {@link discoverAuthorizationServer}. */
export interface DiscoverAuthorizationServerOptions {
  /** The fetch implementation (default: the global one). */
  fetch?: typeof globalThis.fetch;
  /** Time budget in milliseconds for the whole discovery, every candidate URL included (default 5000). */
  timeoutMs?: number;
  /** Maximum metadata document size in bytes (default 512 KiB). */
  maxBytes?: number;
}

/**
 * The metadata URLs to try for an issuer, in order. For an issuer without a path:
 * `/.well-known/openid-configuration`, then `/.well-known/oauth-authorization-server`. For an issuer
 * with a path (`https://host/tenant`): the OIDC form with the well-known segment inserted and
 * appended, then the RFC 8414 §3.1 path-inserted form.
 *
 * @example
 * ```ts
 * authorizationServerMetadataUrls('https://auth.example.com/tenant');
 * // ['https://auth.example.com/.well-known/openid-configuration/tenant',
 * //  'https://auth.example.com/tenant/.well-known/openid-configuration',
 * //  'https://auth.example.com/.well-known/oauth-authorization-server/tenant']
 * ```
 */
export function authorizationServerMetadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '') {
    return [`${url.origin}/.well-known/openid-configuration`, `${url.origin}/.well-known/oauth-authorization-server`];
  }
  return [
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
  ];
}

/**
 * Fetches the issuer's authorization-server metadata and checks that its `issuer` equals the
 * configured one exactly (RFC 8414 §3.3: a mismatch means the document must not be used). A 404,
 * an error status, a body that is not JSON, or a mismatched document moves on to the next
 * candidate URL; a timeout or network failure stops (the host is unreachable, the other candidates
 * are on the same host).
 *
 * @throws {FetchJsonError} when no candidate could be fetched (classified: timeout, network, …).
 * @throws {AuthError} `ERR_DISCOVERY_ISSUER_MISMATCH` (503 `temporarily_unavailable`) when documents
 *   were found but none names this issuer.
 * @throws {TypeError} when `issuer` is not an absolute URL.
 * @example
 * ```ts
 * const metadata = await discoverAuthorizationServer('https://tenant.auth0.com/');
 * const jwksUri = metadata.jwks_uri;
 * ```
 */
export async function discoverAuthorizationServer(
  issuer: string,
  options: DiscoverAuthorizationServerOptions = {},
): Promise<Record<string, unknown>> {
  let candidates: string[];
  try {
    candidates = authorizationServerMetadataUrls(issuer);
  } catch {
    throw new TypeError('discoverAuthorizationServer: issuer must be an absolute URL');
  }
  let lastFailure: FetchJsonError | undefined;
  let mismatch = false;
  // One budget for every candidate: a slow 404 on the first must not double the wait.
  const budgetMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + budgetMs;
  for (const url of candidates) {
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) throw new FetchJsonError('timeout', url, `no answer within ${budgetMs} ms`);
    let document: unknown;
    try {
      document = await fetchJson(url, {
        timeoutMs: remainingMs,
        maxBytes: options.maxBytes,
        fetch: options.fetch,
      });
    } catch (error) {
      if (!(error instanceof FetchJsonError)) throw error;
      if (error.failure !== 'http_status' && error.failure !== 'invalid_json') throw error;
      lastFailure = error;
      continue;
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      lastFailure = new FetchJsonError('invalid_json', url, 'metadata is not a JSON object');
      continue;
    }
    const metadata = document as Record<string, unknown>;
    if (metadata.issuer !== issuer) {
      mismatch = true;
      continue;
    }
    return metadata;
  }
  if (mismatch) {
    throw new AuthError({
      code: 'ERR_DISCOVERY_ISSUER_MISMATCH',
      error: 'temporarily_unavailable',
      status: 503,
      description: 'The authorization server metadata could not be verified',
      cause: new Error(`metadata found for ${issuer} names a different issuer (RFC 8414 §3.3)`),
    });
  }
  throw lastFailure ?? new FetchJsonError('network', issuer, 'no metadata URL to try');
}
