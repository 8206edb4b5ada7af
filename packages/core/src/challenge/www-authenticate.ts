/**
 * The `WWW-Authenticate: Bearer …` challenge of every 401/403 (RFC 6750 §3, RFC 9728 §5.1; RFC 6750 §3.1, RFC 6750 §3, RFC 9728 §5.1).
 *
 * @module
 */

import type { OAuthErrorCode } from '../errors/auth-error.js';

/** Parameters of {@link buildWwwAuthenticate}. */
export interface WwwAuthenticateParams {
  /** The protected-resource metadata URL (RFC 9728 §5.1), so clients can find the authorization server. */
  resourceMetadata: string;
  /** Every scope the operation needs (RFC 6750 §3.1: all of them, including ones the token already has). */
  scope?: readonly string[];
  /** The OAuth error. Omit it when the request carried no credentials (RFC 6750 §3.1). */
  error?: OAuthErrorCode;
  /** A client-safe description; only sent together with `error`. */
  errorDescription?: string;
}

/**
 * RFC 9110 §5.6.4 quoted-string: `\` and `"` are escaped; anything that is not visible ASCII or a
 * space (CR/LF above all, which would split the header) becomes a space.
 */
export function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/[^\x20-\x7e]/g, ' ')}"`;
}

/**
 * Builds a Bearer challenge. Parameter order: `resource_metadata`, `scope`, `error`,
 * `error_description`.
 *
 * @example
 * ```ts
 * buildWwwAuthenticate({ resourceMetadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp' });
 * // 'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"'
 *
 * buildWwwAuthenticate({
 *   resourceMetadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
 *   scope: ['files:read', 'files:write'],
 *   error: 'insufficient_scope',
 *   errorDescription: 'Insufficient scope',
 * });
 * // 'Bearer resource_metadata="…", scope="files:read files:write", error="insufficient_scope", error_description="Insufficient scope"'
 * ```
 */
export function buildWwwAuthenticate(params: WwwAuthenticateParams): string {
  let challenge = `Bearer resource_metadata=${quoted(params.resourceMetadata)}`;
  if (params.scope !== undefined && params.scope.length > 0) challenge += `, scope=${quoted(params.scope.join(' '))}`;
  if (params.error !== undefined) {
    challenge += `, error=${quoted(params.error)}`;
    if (params.errorDescription !== undefined) challenge += `, error_description=${quoted(params.errorDescription)}`;
  }
  return challenge;
}
