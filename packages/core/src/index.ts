export type { AuthErrorOptions, OAuthErrorCode } from './auth-error.js';
export { AuthError, isAuthError } from './auth-error.js';
