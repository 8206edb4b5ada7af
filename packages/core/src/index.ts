export type { AuthErrorOptions, OAuthErrorCode } from './auth-error.js';
export { AuthError, isAuthError } from './auth-error.js';
export type { FetchJsonFailure, FetchJsonOptions } from './fetch-json.js';
export { FetchJsonError, fetchJson } from './fetch-json.js';
export {
  PROTECTED_RESOURCE_WELL_KNOWN,
  protectedResourceMetadataPaths,
  protectedResourceMetadataUrl,
} from './protected-resource-metadata-url.js';
