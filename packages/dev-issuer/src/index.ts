export type { DevIssuerScope } from './scopes.js';
export { DEV_ISSUER_SCOPES, isDevIssuerScope } from './scopes.js';
