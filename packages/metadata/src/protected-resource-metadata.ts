/**
 * RFC 9728 protected-resource metadata: the document an MCP client reads to learn which
 * authorization server issues tokens for this resource (RFC 9728 §2).
 *
 * @module
 */

/**
 * An RFC 9728 §2 protected-resource metadata document, as mcp-warden publishes it. Only the
 * members this package sets are typed; every value is plain JSON.
 */
export interface ProtectedResourceMetadata {
  /** The resource identifier, exactly as configured (RFC 9728 §2: no trailing slash added or removed). */
  resource: string;
  /** Each entry an authorization server's exact `issuer` string. Omitted when none is known. */
  authorization_servers?: string[];
  /** How a client may present the token: mcp-warden reads the `Authorization` header. */
  bearer_methods_supported: string[];
  /** The scopes this resource understands. Never contains `offline_access` (RFC 9728 §2). */
  scopes_supported?: string[];
  /** A human-readable name for the resource. */
  resource_name?: string;
  /** A URL of human-readable documentation for the resource. */
  resource_documentation?: string;
  /** The algorithms this resource accepts for DPoP proofs (RFC 9728 §2, RFC 9449 §5.1). */
  dpop_signing_alg_values_supported?: string[];
  /** Present (and `true`) when every access token must be DPoP-bound (RFC 9728 §2). */
  dpop_bound_access_tokens_required?: boolean;
}

/** Input to {@link protectedResourceMetadata}. */
export interface ProtectedResourceMetadataOptions {
  /** The MCP endpoint's public URL (`MCP_RESOURCE_URL`), kept exactly as written. */
  resource: string;
  /** The authorization servers' exact issuer strings (an Auth0 issuer keeps its trailing slash). */
  authorizationServers: string[];
  /** The scopes this resource understands; `offline_access` is dropped. */
  scopesSupported?: string[];
  /** A human-readable name for the resource. */
  resourceName?: string;
  /** A URL of human-readable documentation for the resource. */
  resourceDocumentation?: string;
  /** Default `["header"]`: RFC 6750 §2.1, the only method mcp-warden accepts. */
  bearerMethodsSupported?: string[];
  /** DPoP proof algorithms accepted (RFC 9449 §5.1); omitted or empty: DPoP is not offered. */
  dpopSigningAlgValuesSupported?: readonly string[];
  /** Every access token must be DPoP-bound; only written when `true` (RFC 9728 §2: absent means false). */
  dpopBoundAccessTokensRequired?: boolean;
}

/**
 * A refresh-token scope is a matter between the client and the authorization server; a
 * resource advertising it invites clients to ask for long-lived grants they do not need (RFC 9728 §2).
 */
const NEVER_ADVERTISED = 'offline_access';

/**
 * Builds the RFC 9728 document for a resource (RFC 9728 §2).
 *
 * `resource` and every issuer string are kept exactly as given: clients compare them as strings
 * (RFC 9728 §3.3, RFC 8414 §3.3), so "normalising" `https://tenant.auth0.com/` to drop its
 * slash would make every client reject the authorization server. An empty
 * `authorizationServers` list leaves the member out (it is optional in RFC 9728 §2).
 *
 * @throws {TypeError} when `resource`, an issuer or `resourceDocumentation` is not an absolute
 * URL, or `resource` carries a fragment (RFC 9728 §1.2).
 *
 * @example
 * ```ts
 * protectedResourceMetadata({
 *   resource: 'https://mcp.example.com/mcp',
 *   authorizationServers: ['https://your-tenant.auth0.com/'],
 *   scopesSupported: ['mcp:read', 'offline_access'],
 * });
 * // {
 * //   resource: 'https://mcp.example.com/mcp',
 * //   authorization_servers: ['https://your-tenant.auth0.com/'],
 * //   bearer_methods_supported: ['header'],
 * //   scopes_supported: ['mcp:read'],
 * // }
 * ```
 */
export function protectedResourceMetadata(options: ProtectedResourceMetadataOptions): ProtectedResourceMetadata {
  const resource = requireAbsoluteUrl(options.resource, 'resource');
  if (new URL(resource).hash !== '' || resource.includes('#')) {
    throw new TypeError('protectedResourceMetadata: resource must not contain a fragment (RFC 9728 §1.2)');
  }
  const authorizationServers = options.authorizationServers.map((issuer) =>
    requireAbsoluteUrl(issuer, 'authorizationServers entry'),
  );
  const scopes = (options.scopesSupported ?? []).filter((scope) => scope !== NEVER_ADVERTISED);

  const document: ProtectedResourceMetadata = {
    resource,
    ...(authorizationServers.length > 0 ? { authorization_servers: [...new Set(authorizationServers)] } : {}),
    bearer_methods_supported: [...(options.bearerMethodsSupported ?? ['header'])],
  };
  if (scopes.length > 0) document.scopes_supported = [...new Set(scopes)];
  if (options.resourceName !== undefined && options.resourceName !== '') document.resource_name = options.resourceName;
  if (options.resourceDocumentation !== undefined && options.resourceDocumentation !== '') {
    document.resource_documentation = requireAbsoluteUrl(options.resourceDocumentation, 'resourceDocumentation');
  }
  if (options.dpopSigningAlgValuesSupported !== undefined && options.dpopSigningAlgValuesSupported.length > 0) {
    document.dpop_signing_alg_values_supported = [...new Set(options.dpopSigningAlgValuesSupported)];
  }
  if (options.dpopBoundAccessTokensRequired === true) document.dpop_bound_access_tokens_required = true;
  return document;
}

function requireAbsoluteUrl(value: unknown, name: string): string {
  if (typeof value !== 'string' || !URL.canParse(value)) {
    throw new TypeError(`protectedResourceMetadata: ${name} must be an absolute URL`);
  }
  return value;
}
