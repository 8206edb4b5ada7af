/**
 * The discovery documents a {@link WardenConfig} describes, without contacting anyone: the
 * mapping from the environment variables to RFC 9728 and RFC 8414 members.
 *
 * @module
 */

import type { WardenConfig } from '@mcp-warden/core';
import { dpopOffered } from '@mcp-warden/core/adapter';
import { type AuthorizationServerMetadata, authorizationServerMetadata } from './authorization-server-metadata.js';
import { type ProtectedResourceMetadata, protectedResourceMetadata } from './protected-resource-metadata.js';

/**
 * The primary authorization server's exact issuer string: `MCP_JWT_ISSUER` when set (it is what
 * tokens carry, so Auth0's trailing slash is kept), else `MCP_OAUTH_SERVER_URL`, else the first of
 * `MCP_TRUSTED_ISSUERS`. `undefined` when the configuration names no authorization server. Its
 * metadata is the one mirrored at `/.well-known/oauth-authorization-server` (RFC 8414 §3).
 *
 * @example
 * ```ts
 * configuredIssuer(loadConfig({ MCP_OAUTH_SERVER_URL: 'https://t.auth0.com', MCP_JWT_ISSUER: 'https://t.auth0.com/' }));
 * // 'https://t.auth0.com/'
 * ```
 */
export function configuredIssuer(config: WardenConfig): string | undefined {
  return nonEmpty(config.jwtIssuer) ?? nonEmpty(config.oauthServerUrl) ?? nonEmpty(config.trustedIssuers?.[0]?.issuer);
}

/**
 * Every authorization server this resource server trusts, for RFC 9728 `authorization_servers`
 * (RFC 9728 §2): {@link configuredIssuer} first, then each `MCP_TRUSTED_ISSUERS` issuer, each once, exactly
 * as tokens carry it. Preset aliases that are not issuers of a metadata document (Entra ID's v1
 * `sts.windows.net` issuer, Google's bare `accounts.google.com`) are not listed.
 *
 * @example
 * ```ts
 * authorizationServersFromConfig(loadConfig({
 *   MCP_JWT_ISSUER: 'https://t.auth0.com/',
 *   MCP_TRUSTED_ISSUERS: 'https://kc.example.com/realms/mcp',
 * }));
 * // ['https://t.auth0.com/', 'https://kc.example.com/realms/mcp']
 * ```
 */
export function authorizationServersFromConfig(config: WardenConfig): string[] {
  const primary = configuredIssuer(config);
  const all = [
    ...(primary === undefined ? [] : [primary]),
    ...(config.trustedIssuers ?? []).map((entry) => entry.issuer),
  ];
  return [...new Set(all)];
}

/**
 * The RFC 9728 document for a configuration (RFC 9728 §2): `resource` is `MCP_RESOURCE_URL` exactly;
 * `authorization_servers` is the given issuer list (default: {@link authorizationServersFromConfig});
 * `scopes_supported` is `MCP_SCOPES_SUPPORTED`, or, when that is empty, every scope the server
 * asks for (`MCP_REQUIRED_SCOPES` and the `MCP_TOOL_SCOPES` values), since a client reading the
 * document should learn them; `resource_name` and `resource_documentation` come from
 * `MCP_RESOURCE_NAME` and `MCP_RESOURCE_DOCUMENTATION`; `dpop_signing_alg_values_supported` is
 * `MCP_DPOP_ALGORITHMS` and `dpop_bound_access_tokens_required` is `true` with
 * `MCP_DPOP_REQUIRED`, whenever the configuration accepts DPoP-bound tokens (RFC 9449 §5.1).
 *
 * @example
 * ```ts
 * protectedResourceMetadataFromConfig(loadConfig(process.env));
 * ```
 */
export function protectedResourceMetadataFromConfig(
  config: WardenConfig,
  authorizationServers: string[] = authorizationServersFromConfig(config),
): ProtectedResourceMetadata {
  const declared = config.scopesSupported ?? [];
  const scopes =
    declared.length > 0
      ? declared
      : [...(config.requiredScopes ?? []), ...Object.values(config.toolScopes ?? {}).flat()];
  const dpop = dpopOffered(config);
  return protectedResourceMetadata({
    resource: config.resourceUrl,
    authorizationServers,
    scopesSupported: scopes,
    ...(config.resourceName === undefined ? {} : { resourceName: config.resourceName }),
    ...(config.resourceDocumentation === undefined ? {} : { resourceDocumentation: config.resourceDocumentation }),
    ...(dpop === undefined
      ? {}
      : { dpopSigningAlgValuesSupported: dpop.algorithms, dpopBoundAccessTokensRequired: dpop.required }),
  });
}

/**
 * The seed's RFC 8414 document for a configuration (RFC 8414 §3, case a), or `undefined` when no
 * authorization server is configured ("OAuth authorization server not configured", docs/compatibility.md).
 *
 * It is built when `MCP_OAUTH_SERVER_URL` is set, or when `MCP_JWT_ISSUER` and both
 * `MCP_OAUTH_AUTHORIZATION_ENDPOINT` and `MCP_OAUTH_TOKEN_ENDPOINT` are. `issuer` is
 * {@link configuredIssuer}, so it always equals the protected-resource metadata's
 * `authorization_servers` entry; endpoints default to `<MCP_OAUTH_SERVER_URL>/authorize` and
 * `/token`; `registration_endpoint` and `jwks_uri` come from their variables when set.
 *
 * @example
 * ```ts
 * authorizationServerMetadataFromConfig(loadConfig({ MCP_OAUTH_SERVER_URL: 'https://your-oauth-provider.com' }));
 * // the example output of docs/compatibility.md
 * ```
 */
export function authorizationServerMetadataFromConfig(config: WardenConfig): AuthorizationServerMetadata | undefined {
  const serverUrl = nonEmpty(config.oauthServerUrl);
  const issuer = configuredIssuer(config);
  const authorizationEndpoint = nonEmpty(config.oauthAuthorizationEndpoint);
  const tokenEndpoint = nonEmpty(config.oauthTokenEndpoint);
  if (issuer === undefined) return undefined;
  if (serverUrl === undefined && (authorizationEndpoint === undefined || tokenEndpoint === undefined)) return undefined;

  const registrationEndpoint = nonEmpty(config.oauthRegistrationEndpoint);
  const jwksUri = nonEmpty(config.oauthJwksUri);
  return authorizationServerMetadata({
    issuer,
    ...(serverUrl === undefined ? {} : { serverUrl }),
    ...(authorizationEndpoint === undefined ? {} : { authorizationEndpoint }),
    ...(tokenEndpoint === undefined ? {} : { tokenEndpoint }),
    ...(registrationEndpoint === undefined ? {} : { registrationEndpoint }),
    ...(jwksUri === undefined ? {} : { jwksUri }),
    scopesSupported: config.scopesSupported ?? [],
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
