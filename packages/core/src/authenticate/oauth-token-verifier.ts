/**
 * Interop with the official MCP SDK's bearer middleware (`requireBearerAuth`). An
 * {@link Authenticator} already has the SDK's `OAuthTokenVerifier` shape; but the SDK answers 500 to
 * any error that is not its own `OAuthError`. This wrapper translates {@link AuthError}s into the
 * caller's `OAuthError` class, so the SDK answers 401/403 with its challenge. Core takes the class
 * as an argument instead of importing the SDK, so it stays dependency-free.
 *
 * @module
 */

import { isAuthError } from '../errors/auth-error.js';
import type { Authenticator, AuthInfo } from './authenticator-types.js';

/** The shape of the SDK's `OAuthError` constructor: `new OAuthError(code, message)`. */
export type OAuthErrorConstructor = new (code: string, message: string) => Error;

/** The SDK's `OAuthTokenVerifier` interface. */
export interface OAuthTokenVerifierLike {
  verifyAccessToken(token: string): Promise<AuthInfo>;
}

/**
 * Wraps a verifier for the MCP SDK: failures become `new OAuthError(error, description)` (e.g.
 * `invalid_token` → the SDK's 401, `insufficient_scope` → 403). Note the SDK middleware rejects
 * AuthInfo without `expiresAt`, so API keys pass through `authenticate()` but not through the SDK's
 * `requireBearerAuth`.
 *
 * @example
 * ```ts
 * import { requireBearerAuth } from '@modelcontextprotocol/express';
 * import { OAuthError } from '@modelcontextprotocol/server';
 *
 * const authenticator = await createAuthenticator(loadConfig());
 * app.use('/mcp', requireBearerAuth({
 *   verifier: toOAuthTokenVerifier(authenticator, OAuthError),
 *   resourceMetadataUrl: authenticator.resourceMetadataUrl,
 * }));
 * ```
 */
export function toOAuthTokenVerifier(
  verifier: Pick<Authenticator, 'verifyAccessToken'>,
  OAuthError: OAuthErrorConstructor,
): OAuthTokenVerifierLike {
  if (typeof OAuthError !== 'function') throw new TypeError('toOAuthTokenVerifier needs the SDK OAuthError class');
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      try {
        return await verifier.verifyAccessToken(token);
      } catch (error) {
        if (isAuthError(error)) throw new OAuthError(error.error, error.description);
        throw error;
      }
    },
  };
}
