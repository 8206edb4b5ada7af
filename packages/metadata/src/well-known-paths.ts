/**
 * Where RFC 9728 protected-resource metadata is served for a resource URL.
 *
 * @module
 */

/** The well-known suffix registered by RFC 9728 §3. */
export const PROTECTED_RESOURCE_WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * The paths a client probes for a resource's metadata (R1): the path-inserted form
 * first (RFC 9728 §3.1), then the root form that some clients (ChatGPT) only try.
 *
 * @example
 * ```ts
 * protectedResourceMetadataPaths('https://mcp.example.com/mcp');
 * // ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']
 * ```
 */
export function protectedResourceMetadataPaths(resource: string | URL): string[] {
  const url = new URL(resource);
  const path = url.pathname.replace(/\/+$/, '');
  const paths = [];
  if (path !== '') paths.push(`${PROTECTED_RESOURCE_WELL_KNOWN}${path}`);
  paths.push(PROTECTED_RESOURCE_WELL_KNOWN);
  return paths;
}
