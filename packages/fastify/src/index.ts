export type { WardenAdapterOptions } from '@mcp-warden/core/adapter';
export type { WardenMetadataOptions } from './warden-metadata.js';
export { wardenMetadata } from './warden-metadata.js';
export { wardenPlugin } from './warden-plugin.js';
