/**
 * @mcp-warden/metadata: the discovery documents an MCP server publishes, RFC 9728
 * protected-resource metadata and RFC 8414 authorization-server metadata, with a framework-free
 * handler for their well-known routes.
 *
 * @module
 */

export {
  PROTECTED_RESOURCE_WELL_KNOWN,
  protectedResourceMetadataPaths,
  protectedResourceMetadataUrl,
} from '@mcp-warden/core/adapter';
export type {
  AuthorizationServerMetadata,
  AuthorizationServerMetadataOptions,
} from './authorization-server-metadata.js';
export { authorizationServerMetadata } from './authorization-server-metadata.js';
export {
  authorizationServerMetadataFromConfig,
  authorizationServersFromConfig,
  configuredIssuer,
  protectedResourceMetadataFromConfig,
} from './documents-from-config.js';
export type { MetadataProvider, MetadataProviderOptions } from './metadata-provider.js';
export { AUTHORIZATION_SERVER_WELL_KNOWN, createMetadataProvider } from './metadata-provider.js';
export type { ProtectedResourceMetadata, ProtectedResourceMetadataOptions } from './protected-resource-metadata.js';
export { protectedResourceMetadata } from './protected-resource-metadata.js';
export type { MetadataLogger } from './upstream-mirror.js';
export { createWellKnownHandler } from './well-known-handler.js';
export type { WellKnownAnswer, WellKnownDocument, WellKnownKind } from './well-known-responder.js';
export { createWellKnownResponder } from './well-known-responder.js';
