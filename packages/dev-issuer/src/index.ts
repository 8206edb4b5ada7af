/**
 * `@mcp-warden/dev-issuer`: a local OAuth 2.1 authorization server for developing and testing MCP
 * servers, built on oidc-provider. NOT FOR PRODUCTION.
 *
 * @module
 */
export { clientCredentialsCurl } from './cli-banner.js';
export type { CompleteAuthorizationOptions } from './complete-authorization.js';
export { completeAuthorization } from './complete-authorization.js';
// The shared oidc-provider core, for authorization servers built on it
// (@mcp-warden/authorization-server): one configuration, one request dispatcher.
export { saveRequestedGrant } from './consent-grant.js';
export type { DevIssuer, RotateKeysOptions } from './dev-issuer.js';
export { createDevIssuer } from './dev-issuer.js';
export { escapeHtml } from './html.js';
export { BadRequestBody, readFormBody, sendHtml, sendJsonError } from './http-response.js';
export type { IssuerCore, IssuerCoreInput, IssuerProfile } from './issuer-core.js';
export { createIssuerCore, memoryAdapterFactory } from './issuer-core.js';
export type { DevIssuerLogFn, DevIssuerLogger, DevIssuerLogLevel } from './logger.js';
export type {
  DevIssuerClient,
  DevIssuerGrantType,
  DevIssuerOptions,
  ResolvedDevIssuerClient,
  ResolvedDevIssuerOptions,
} from './options.js';
export { DevIssuerOptionsError, resolveOptions as resolveIssuerOptions } from './options.js';
export type { DevIssuerScope } from './scopes.js';
export { DEV_ISSUER_SCOPES, isDevIssuerScope } from './scopes.js';
export { generateSigningKey, SIGNING_ALGORITHM } from './signing-key.js';
export type { ClientCredentialsTokenOptions } from './token-request.js';
export { DevIssuerTokenError } from './token-request.js';
