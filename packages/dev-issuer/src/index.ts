/**
 * `@mcp-warden/dev-issuer`: a local OAuth 2.1 authorization server for developing and testing MCP
 * servers, built on oidc-provider. NOT FOR PRODUCTION.
 *
 * @module
 */
export { clientCredentialsCurl } from './cli-banner.js';
export type { CompleteAuthorizationOptions } from './complete-authorization.js';
export { completeAuthorization } from './complete-authorization.js';
export type { DevIssuer, RotateKeysOptions } from './dev-issuer.js';
export { createDevIssuer } from './dev-issuer.js';
export type { DevIssuerLogFn, DevIssuerLogger, DevIssuerLogLevel } from './logger.js';
export type { DevIssuerClient, DevIssuerGrantType, DevIssuerOptions } from './options.js';
export { DevIssuerOptionsError } from './options.js';
export type { DevIssuerScope } from './scopes.js';
export { DEV_ISSUER_SCOPES, isDevIssuerScope } from './scopes.js';
export type { ClientCredentialsTokenOptions } from './token-request.js';
export { DevIssuerTokenError } from './token-request.js';
