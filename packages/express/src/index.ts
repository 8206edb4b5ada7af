export type { WardenAdapterOptions } from '@mcp-warden/core/adapter';
export { wardenAuth } from './warden-auth.js';
export type { WardenMetadataOptions } from './warden-metadata.js';
export { wardenMetadata } from './warden-metadata.js';
