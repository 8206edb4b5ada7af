/**
 * RFC 8414 authorization-server metadata built from configuration: the document 2025-03-26 MCP
 * clients read from the MCP server's own origin (RFC 8414 §3) when the provider's real metadata cannot be
 * mirrored.
 *
 * @module
 */

/**
 * An RFC 8414 §2 authorization-server metadata document. The members this package builds are
 * typed; a mirrored provider document carries many more, kept as they came.
 */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  registration_endpoint?: string;
  jwks_uri?: string;
  scopes_supported?: string[];
  response_types_supported: string[];
  grant_types_supported?: string[];
  code_challenge_methods_supported?: string[];
  [member: string]: unknown;
}

/** Input to {@link authorizationServerMetadata}: the `MCP_OAUTH_*` variables. */
export interface AuthorizationServerMetadataOptions {
  /**
   * `MCP_OAUTH_SERVER_URL`: the provider's base URL. Default endpoints are `<serverUrl>/authorize`
   * and `<serverUrl>/token`. Required unless `issuer` is given.
   */
  serverUrl?: string;
  /** The provider's exact `issuer` string (`MCP_JWT_ISSUER`); default `serverUrl`. */
  issuer?: string;
  /** `MCP_OAUTH_AUTHORIZATION_ENDPOINT`; default `<serverUrl>/authorize`. */
  authorizationEndpoint?: string;
  /** `MCP_OAUTH_TOKEN_ENDPOINT`; default `<serverUrl>/token`. */
  tokenEndpoint?: string;
  /** `MCP_OAUTH_REGISTRATION_ENDPOINT` (RFC 7591 dynamic client registration), when the provider has one. */
  registrationEndpoint?: string;
  /** `MCP_OAUTH_JWKS_URI`. */
  jwksUri?: string;
  /** Scopes to advertise; omitted when empty. */
  scopesSupported?: string[];
}

/**
 * Builds the authorization-server metadata (RFC 8414 §3). For `MCP_OAUTH_SERVER_URL` alone the
 * output is exactly the example of docs/compatibility.md: `issuer`, `authorization_endpoint`, `token_endpoint`,
 * `response_types_supported: ["code"]`, `grant_types_supported: ["authorization_code",
 * "client_credentials"]`, `code_challenge_methods_supported: ["S256"]` (OAuth 2.1 requires PKCE
 * with S256). `registration_endpoint`, `jwks_uri` and `scopes_supported` are added when given.
 *
 * Endpoints are derived by appending to the server URL without its trailing slashes, so
 * `https://h/` and `https://h` both give `https://h/authorize`; the `issuer` is kept exactly as
 * given because clients compare it as a string (RFC 8414 §3.3).
 *
 * @throws {TypeError} when neither `serverUrl` nor `issuer` is given, or a value is not an
 * absolute URL.
 *
 * @example
 * ```ts
 * authorizationServerMetadata({ serverUrl: 'https://your-oauth-provider.com' });
 * // {
 * //   issuer: 'https://your-oauth-provider.com',
 * //   authorization_endpoint: 'https://your-oauth-provider.com/authorize',
 * //   token_endpoint: 'https://your-oauth-provider.com/token',
 * //   response_types_supported: ['code'],
 * //   grant_types_supported: ['authorization_code', 'client_credentials'],
 * //   code_challenge_methods_supported: ['S256'],
 * // }
 * ```
 */
export function authorizationServerMetadata(options: AuthorizationServerMetadataOptions): AuthorizationServerMetadata {
  const serverUrl = optionalUrl(options.serverUrl, 'serverUrl');
  const issuer = optionalUrl(options.issuer, 'issuer') ?? serverUrl;
  if (issuer === undefined) {
    throw new TypeError('authorizationServerMetadata: serverUrl or issuer is required');
  }
  const base = (serverUrl ?? issuer).replace(/\/+$/, '');

  const registrationEndpoint = optionalUrl(options.registrationEndpoint, 'registrationEndpoint');
  const jwksUri = optionalUrl(options.jwksUri, 'jwksUri');
  const scopes = [...new Set(options.scopesSupported ?? [])];

  // Member order follows the example of docs/compatibility.md so its output is reproduced byte for byte.
  const document: AuthorizationServerMetadata = {
    issuer,
    authorization_endpoint: optionalUrl(options.authorizationEndpoint, 'authorizationEndpoint') ?? `${base}/authorize`,
    token_endpoint: optionalUrl(options.tokenEndpoint, 'tokenEndpoint') ?? `${base}/token`,
    ...(registrationEndpoint === undefined ? {} : { registration_endpoint: registrationEndpoint }),
    ...(jwksUri === undefined ? {} : { jwks_uri: jwksUri }),
    ...(scopes.length === 0 ? {} : { scopes_supported: scopes }),
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'client_credentials'],
    code_challenge_methods_supported: ['S256'],
  };
  return document;
}

function optionalUrl(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !URL.canParse(value)) {
    throw new TypeError(`authorizationServerMetadata: ${name} must be an absolute URL`);
  }
  return value;
}
