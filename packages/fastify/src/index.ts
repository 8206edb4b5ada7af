export type { WardenMetadataOptions } from './warden-metadata.js';
export { wardenMetadata } from './warden-metadata.js';
export type { WardenAdapterOptions } from './warden-plugin.js';
export { wardenPlugin } from './warden-plugin.js';
