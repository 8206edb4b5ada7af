export {
  PROTECTED_RESOURCE_WELL_KNOWN,
  protectedResourceMetadataPaths,
  protectedResourceMetadataUrl,
} from '@mcp-warden/core';
