/**
 * Whether a configuration accepts DPoP-bound access tokens, and how: the one answer the
 * authenticator (challenges, `Authorization: DPoP`) and the protected-resource metadata
 * (`dpop_signing_alg_values_supported`, RFC 9728 §2) both give.
 *
 * @module
 */

import type { WardenConfig } from '../config/config-schema.js';

/** How a resource offers DPoP (RFC 9449 §5.1, RFC 9728 §2). */
export interface DpopOffer {
  /** The algorithms a proof may be signed with (`MCP_DPOP_ALGORITHMS`). */
  readonly algorithms: readonly string[];
  /** Whether access tokens must be DPoP-bound (`MCP_DPOP_REQUIRED`). */
  readonly required: boolean;
}

/**
 * The DPoP offer of a configuration, or `undefined` when it accepts none: authentication or DPoP
 * is off, or nothing could verify an access token (no JWT key, secret, JWKS, issuer, trusted
 * issuer or authorization server with JWT validation on, and no introspection endpoint), as
 * with API keys alone.
 *
 * @example
 * ```ts
 * dpopOffered(loadConfig({ MCP_JWT_ISSUER: 'https://auth.example.com' }));
 * // { algorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'], required: false }
 * dpopOffered(loadConfig({ MCP_API_KEYS: 'k' })); // undefined
 * ```
 */
export function dpopOffered(config: WardenConfig): DpopOffer | undefined {
  if (config.authEnabled === false || config.dpopEnabled === false) return undefined;
  const jwt =
    config.jwtEnabled !== false &&
    (config.jwtSecret !== undefined ||
      config.jwtPublicKey !== undefined ||
      config.jwtPublicKeyFile !== undefined ||
      config.oauthJwksUri !== undefined ||
      config.jwtIssuer !== undefined ||
      config.oauthServerUrl !== undefined ||
      (config.trustedIssuers?.length ?? 0) > 0);
  if (!jwt && config.oauthIntrospectionEndpoint === undefined) return undefined;
  return { algorithms: config.dpopAlgorithms ?? [], required: config.dpopRequired === true };
}
