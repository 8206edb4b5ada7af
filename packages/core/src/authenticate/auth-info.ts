/**
 * The caller's `AuthInfo`, built the same way by every verifier (JWT, introspection, API key).
 *
 * @module
 */

import type { AuthInfo } from './authenticator-types.js';

/** Everything in an `AuthInfo` but `resource`, which {@link createAuthInfo} adds. */
export type AuthInfoFields = Omit<AuthInfo, 'resource'>;

/**
 * A frozen `AuthInfo` with `resource` (RFC 8707: the resource the credential was accepted for) as
 * its own `URL`. A `URL` cannot be frozen, so each verified credential gets a new one rather than
 * sharing an instance any handler could change for every caller.
 *
 * @example
 * ```ts
 * const authInfo = createAuthInfo({ token, clientId: 'c', scopes: ['mcp:read'], extra: { method: 'jwt' } }, resourceUrl);
 * authInfo.resource?.href; // resourceUrl
 * ```
 */
export function createAuthInfo(fields: AuthInfoFields, resourceUrl: string): AuthInfo {
  const { token, clientId, scopes, expiresAt, extra } = fields;
  const resource = new URL(resourceUrl);
  // Two literals so an API key's AuthInfo has no `expiresAt` key at all, as before.
  return Object.freeze(
    expiresAt === undefined
      ? { token, clientId, scopes, resource, extra }
      : { token, clientId, scopes, expiresAt, resource, extra },
  );
}
