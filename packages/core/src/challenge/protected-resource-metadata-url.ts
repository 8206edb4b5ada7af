/**
 * Where RFC 9728 protected-resource metadata lives for a resource URL. Core owns this because
 * every 401/403 challenge names the metadata URL (RFC 6750 §3, RFC 9728 §5.1) and the metadata package serves it (RFC 9728 §3.1).
 *
 * @module
 */

/** The well-known suffix registered by RFC 9728 §3. */
export const PROTECTED_RESOURCE_WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * The paths a client probes for a resource's metadata (RFC 9728 §3.1): the path-inserted form first
 * (RFC 9728 §3.1: the well-known segment goes between host and path), then the root form that
 * some clients (ChatGPT) only try. A trailing slash on the resource path is not part of the
 * inserted path, and the query is dropped.
 *
 * @example
 * ```ts
 * protectedResourceMetadataPaths('https://mcp.example.com/mcp');
 * // ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']
 * ```
 */
export function protectedResourceMetadataPaths(resource: string | URL): string[] {
  const path = new URL(resource).pathname.replace(/\/+$/, '');
  return path === ''
    ? [PROTECTED_RESOURCE_WELL_KNOWN]
    : [`${PROTECTED_RESOURCE_WELL_KNOWN}${path}`, PROTECTED_RESOURCE_WELL_KNOWN];
}

/**
 * The absolute URL of the resource's metadata document: the one named in
 * `WWW-Authenticate: Bearer resource_metadata="…"` (RFC 6750 §3, RFC 9728 §5.1). Path-inserted, on the resource's origin.
 *
 * @example
 * ```ts
 * protectedResourceMetadataUrl('https://mcp.example.com/mcp');
 * // 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'
 * ```
 */
export function protectedResourceMetadataUrl(resource: string | URL): string {
  const url = new URL(resource);
  return `${url.origin}${protectedResourceMetadataPaths(url)[0]}`;
}
