export { PROTECTED_RESOURCE_WELL_KNOWN, protectedResourceMetadataPaths } from './well-known-paths.js';
