/**
 * @mcp-warden/metadata: the discovery documents an MCP server publishes, RFC 9728
 * protected-resource metadata and RFC 8414 authorization-server metadata, and one provider that
 * answers their well-known routes.
 *
 * @module
 */

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
