/**
 * `@mcp-warden/core`: what an application needs to protect an MCP server: load or define the
 * configuration, create the authenticator, and the errors and types around them. Framework
 * adapters and sibling packages use `@mcp-warden/core/adapter`.
 *
 * @module
 */

export type { CorsOption, CorsOrigins } from './adapter/cors-headers.js';
export type {
  AuthErrorBody,
  Authenticator,
  AuthenticatorOptions,
  AuthInfo,
  AuthMethod,
  AuthRequest,
  AuthResult,
  JwksClientOptions,
  RouteAuthOptions,
} from './authenticate/authenticator-types.js';
export { createAuthenticator } from './authenticate/create-authenticator.js';
export type { OAuthErrorConstructor, OAuthTokenVerifierLike } from './authenticate/oauth-token-verifier.js';
export { toOAuthTokenVerifier } from './authenticate/oauth-token-verifier.js';
export type { BasicAuthUser } from './basic-auth/basic-auth-users.js';
export { MIN_BASIC_PASSWORD_LENGTH } from './basic-auth/basic-auth-users.js';
export { configFields } from './config/config-fields.js';
export type { IntrospectionAuthMethod, JwtEngineName, WardenConfig, WardenOptions } from './config/config-schema.js';
export { CONFIG_ENV_VARIABLES, DISCOVER_INTROSPECTION_ENDPOINT, wardenConfigSchema } from './config/config-schema.js';
export { describeConfig } from './config/describe-config.js';
export { defineConfig, loadConfig } from './config/load-config.js';
export { resourceSpellings } from './config/loopback-resource.js';
export type { TrustedIssuer, TrustedIssuerOptions } from './config/trusted-issuers.js';
export type { AuthErrorOptions, OAuthErrorCode } from './errors/auth-error.js';
export { AuthError, isAuthError } from './errors/auth-error.js';
export type { AuthErrorCode } from './errors/auth-failures.js';
export type { ConfigIssue } from './errors/config-error.js';
export { ConfigError, isConfigError } from './errors/config-error.js';
export type { JwtAlgorithm } from './jwt/jwt-algorithms.js';
export { SUPPORTED_JWT_ALGORITHMS } from './jwt/jwt-algorithms.js';
export type { Logger } from './logging/logger.js';
export type { ProviderName } from './presets/provider-presets.js';
export { PROVIDER_NAMES } from './presets/provider-presets.js';
export type { MemoryStoreOptions, SharedStore } from './store/shared-store.js';
export { createMemoryStore } from './store/shared-store.js';
