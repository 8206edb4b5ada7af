/**
 * Whether a configuration names any way to authenticate callers. `apps/server` uses it to decide
 * whether to start the embedded development issuer (docs/architecture.md, "The reference server").
 *
 * @module
 */

import type { WardenConfig } from '@mcp-warden/core';

/**
 * True when any credential source is configured: an API key (with API keys enabled), a Basic user, a JWT secret,
 * public key, key file, JWKS URI, issuer or trusted issuer (with JWT enabled), an OAuth server URL,
 * or an introspection endpoint.
 *
 * @example
 * ```ts
 * if (!hasAuthSource(config) && process.env.NODE_ENV !== 'production') startDevIssuer();
 * ```
 */
export function hasAuthSource(config: WardenConfig): boolean {
  const apiKeys = config.apiKeyEnabled && config.apiKeys.length > 0;
  const jwt =
    config.jwtEnabled &&
    (config.jwtSecret !== undefined ||
      config.jwtPublicKey !== undefined ||
      config.jwtPublicKeyFile !== undefined ||
      config.oauthJwksUri !== undefined ||
      config.jwtIssuer !== undefined ||
      (config.trustedIssuers?.length ?? 0) > 0);
  const basic = config.basicAuthUsers.length > 0;
  return (
    apiKeys || basic || jwt || config.oauthServerUrl !== undefined || config.oauthIntrospectionEndpoint !== undefined
  );
}
