/**
 * `@mcp-warden/core/adapter`: the kit framework adapters and sibling packages share. An
 * application never needs it; it imports `@mcp-warden/core`.
 *
 * @module
 */

export type {
  Authenticator,
  AuthInfo,
  AuthLogger,
  AuthRequest,
  AuthResult,
  RouteAuthOptions,
} from '../authenticate/authenticator-types.js';
export {
  PROTECTED_RESOURCE_WELL_KNOWN,
  protectedResourceMetadataPaths,
  protectedResourceMetadataUrl,
} from '../challenge/protected-resource-metadata-url.js';
export { isAuthError } from '../errors/auth-error.js';
export { AUTHORIZATION_SERVER_NOT_CONFIGURED } from '../errors/auth-failures.js';
export type { DiscoverAuthorizationServerOptions } from '../http/discover-authorization-server.js';
export { discoverAuthorizationServer } from '../http/discover-authorization-server.js';
export { CORS_PREFLIGHT_HEADERS, mergeExposedHeaders } from './cors-headers.js';
export { credentialHeader } from './credential-header.js';
export { routeNeedsBody, routeOverrides } from './route-overrides.js';
export { UNEXPECTED_FAILURE } from './unexpected-failure.js';
