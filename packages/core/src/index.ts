export { CORS_PREFLIGHT_HEADERS, mergeExposedHeaders } from './adapter/cors-headers.js';
export { credentialHeader } from './adapter/credential-header.js';
export { routeNeedsBody, routeOverrides } from './adapter/route-overrides.js';
export { UNEXPECTED_FAILURE } from './adapter/unexpected-failure.js';
export type {
  AuthErrorBody,
  Authenticator,
  AuthenticatorOptions,
  AuthInfo,
  AuthLogger,
  AuthMethod,
  AuthRequest,
  AuthResult,
  JwksClientOptions,
  RouteAuthOptions,
} from './authenticate/authenticator-types.js';
export { createAuthenticator } from './authenticate/create-authenticator.js';
export { MAX_CREDENTIAL_LENGTH } from './authenticate/credential-length.js';
export type { OAuthErrorConstructor, OAuthTokenVerifierLike } from './authenticate/oauth-token-verifier.js';
export { toOAuthTokenVerifier } from './authenticate/oauth-token-verifier.js';
export type { ClaimMapping } from './authenticate/token-claims.js';
export {
  PROTECTED_RESOURCE_WELL_KNOWN,
  protectedResourceMetadataPaths,
  protectedResourceMetadataUrl,
} from './challenge/protected-resource-metadata-url.js';
export type { WwwAuthenticateParams } from './challenge/www-authenticate.js';
export { buildWwwAuthenticate } from './challenge/www-authenticate.js';
export type {
  HttpFramework,
  IntrospectionAuthMethod,
  LogLevel,
  WardenConfig,
  WardenOptions,
} from './config/config-schema.js';
export { CONFIG_ENV_VARIABLES, DISCOVER_INTROSPECTION_ENDPOINT, wardenConfigSchema } from './config/config-schema.js';
export { describeConfig } from './config/describe-config.js';
export { hasAuthSource } from './config/has-auth-source.js';
export { defineConfig, loadConfig } from './config/load-config.js';
export type { TrustedIssuer, TrustedIssuerOptions } from './config/trusted-issuers.js';
export type { AuthErrorOptions, OAuthErrorCode } from './errors/auth-error.js';
export { AuthError, isAuthError } from './errors/auth-error.js';
export type { AuthErrorCode } from './errors/auth-failures.js';
export { AUTHORIZATION_SERVER_NOT_CONFIGURED, COULD_NOT_VALIDATE } from './errors/auth-failures.js';
export type { ConfigIssue } from './errors/config-error.js';
export { ConfigError, isConfigError } from './errors/config-error.js';
export type { DiscoverAuthorizationServerOptions } from './http/discover-authorization-server.js';
export { authorizationServerMetadataUrls, discoverAuthorizationServer } from './http/discover-authorization-server.js';
export type { FetchJsonFailure, FetchJsonOptions } from './http/fetch-json.js';
export { FetchJsonError, fetchJson } from './http/fetch-json.js';
export type { JwtAlgorithm } from './jwt/jwt-algorithms.js';
export { SUPPORTED_JWT_ALGORITHMS } from './jwt/jwt-algorithms.js';
export type { PresetIssuers, ProviderName, ProviderPreset } from './presets/provider-presets.js';
export { PROVIDER_NAMES, providerPreset } from './presets/provider-presets.js';
