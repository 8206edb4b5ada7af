export type { AuthErrorOptions, OAuthErrorCode } from './auth-error.js';
export { AuthError, isAuthError } from './auth-error.js';
export type { AuthErrorCode } from './auth-failures.js';
export { AUTHORIZATION_SERVER_NOT_CONFIGURED, COULD_NOT_VALIDATE } from './auth-failures.js';
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
} from './authenticator-types.js';
export type { ConfigIssue } from './config-error.js';
export { ConfigError, isConfigError } from './config-error.js';
export type {
  HttpFramework,
  IntrospectionAuthMethod,
  LogLevel,
  WardenConfig,
  WardenOptions,
} from './config-schema.js';
export { CONFIG_ENV_VARIABLES, DISCOVER_INTROSPECTION_ENDPOINT, wardenConfigSchema } from './config-schema.js';
export type { CorsOption, CorsOrigins, CorsPolicy } from './cors-headers.js';
export {
  allowedRequestHeaders,
  CORS_PREFLIGHT_HEADERS,
  corsPolicyFor,
  createCorsPolicy,
  mergeExposedHeaders,
  varyOnOrigin,
} from './cors-headers.js';
export { createAuthenticator } from './create-authenticator.js';
export { credentialHeader } from './credential-header.js';
export { MAX_CREDENTIAL_LENGTH } from './credential-length.js';
export { describeConfig } from './describe-config.js';
export type { DiscoverAuthorizationServerOptions } from './discover-authorization-server.js';
export { authorizationServerMetadataUrls, discoverAuthorizationServer } from './discover-authorization-server.js';
export type { FetchJsonFailure, FetchJsonOptions } from './fetch-json.js';
export { FetchJsonError, fetchJson } from './fetch-json.js';
export { hasAuthSource } from './has-auth-source.js';
export type { JwtAlgorithm } from './jwt-algorithms.js';
export { SUPPORTED_JWT_ALGORITHMS } from './jwt-algorithms.js';
export { defineConfig, loadConfig } from './load-config.js';
export type { OAuthErrorConstructor, OAuthTokenVerifierLike } from './oauth-token-verifier.js';
export { toOAuthTokenVerifier } from './oauth-token-verifier.js';
export {
  PROTECTED_RESOURCE_WELL_KNOWN,
  protectedResourceMetadataPaths,
  protectedResourceMetadataUrl,
} from './protected-resource-metadata-url.js';
export type { PresetIssuers, ProviderName, ProviderPreset } from './provider-presets.js';
export { PROVIDER_NAMES, providerPreset } from './provider-presets.js';
export { routeNeedsBody, routeOverrides } from './route-overrides.js';
export type { ClaimMapping } from './token-claims.js';
export type { TrustedIssuer, TrustedIssuerOptions } from './trusted-issuers.js';
export { UNEXPECTED_FAILURE } from './unexpected-failure.js';
export type { WwwAuthenticateParams } from './www-authenticate.js';
export { buildWwwAuthenticate } from './www-authenticate.js';
