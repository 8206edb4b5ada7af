/**
 * `@mcp-warden/core/adapter`: the kit the framework adapters (`@mcp-warden/express`, `fastify`,
 * `hono`) and `@mcp-warden/metadata` share. An application never needs it: it imports
 * `@mcp-warden/core`.
 *
 * - the options every adapter takes, and the answer shape every adapter writes;
 * - what to read from a request (`credentialHeader`) and what to hand the authenticator
 *   (`routeOverrides`, `routeNeedsBody`);
 * - the CORS headers and the fail-closed answer, so no adapter decides them on its own;
 * - the discovery plumbing `@mcp-warden/metadata` builds its documents with, DPoP's offer included.
 *
 * @module
 */

export type {
  AuthErrorBody,
  Authenticator,
  AuthInfo,
  AuthRequest,
  AuthResult,
  RouteAuthOptions,
} from '../authenticate/authenticator-types.js';
export {
  PROTECTED_RESOURCE_WELL_KNOWN,
  protectedResourceMetadataPaths,
  protectedResourceMetadataUrl,
} from '../challenge/protected-resource-metadata-url.js';
export { resourceSpellings, resourceUrlForHost } from '../config/loopback-resource.js';
export type { DpopOffer } from '../dpop/dpop-offered.js';
export { dpopOffered } from '../dpop/dpop-offered.js';
export { isAuthError } from '../errors/auth-error.js';
export { AUTHORIZATION_SERVER_NOT_CONFIGURED } from '../errors/auth-failures.js';
export type { DiscoverAuthorizationServerOptions } from '../http/discover-authorization-server.js';
export { discoverAuthorizationServer } from '../http/discover-authorization-server.js';
export type { HttpAnswer } from '../http/http-answer.js';
export type { Logger } from '../logging/logger.js';
export type { MetadataRoutes, WardenAdapterOptions } from './adapter-options.js';
export type { CorsOption, CorsOrigins, CorsPolicy } from './cors-headers.js';
export {
  allowedRequestHeaders,
  CORS_PREFLIGHT_HEADERS,
  corsPolicyFor,
  createCorsPolicy,
  mergeExposedHeaders,
  varyOnOrigin,
} from './cors-headers.js';
export { credentialHeader } from './credential-header.js';
export type { AcceptedBody, BodyRefusal } from './request-body.js';
export {
  BODY_CHARSET_UNSUPPORTED,
  BODY_ENCODING_UNSUPPORTED,
  BODY_TOO_LARGE,
  BODY_UNREADABLE,
  bodyHeadersProblem,
  isJsonContentType,
  JSON_TOO_DEEP,
  jsonNestingExceeds,
  MAX_JSON_NESTING,
  readBodyWithinLimit,
  readRequestBody,
} from './request-body.js';
export { routeNeedsBody, routeOverrides } from './route-overrides.js';
export { UNEXPECTED_FAILURE } from './unexpected-failure.js';
