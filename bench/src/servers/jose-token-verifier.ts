/**
 * The verifier a user of the official MCP SDK writes for `requireBearerAuth`: jose's remote JWKS
 * and `jwtVerify` with the same issuer, audience and algorithm checks mcp-warden applies.
 *
 * @module
 */
import { OAuthError, OAuthErrorCode } from '@modelcontextprotocol/server';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { JwtPeerSettings } from './server-config.js';

/** The SDK's `AuthInfo` fields `requireBearerAuth` needs. */
export interface SdkAuthInfo {
  token: string;
  clientId: string;
  scopes: string[];
  expiresAt?: number;
}

/** An `OAuthTokenVerifier` backed by jose. */
export function joseTokenVerifier(settings: JwtPeerSettings): {
  verifyAccessToken(token: string): Promise<SdkAuthInfo>;
} {
  const jwks = createRemoteJWKSet(new URL(settings.jwksUri));
  const options = { issuer: settings.issuer, audience: settings.audience, algorithms: [settings.algorithm] };
  return {
    async verifyAccessToken(token) {
      try {
        const { payload } = await jwtVerify(token, jwks, options);
        const scope = typeof payload.scope === 'string' ? payload.scope : '';
        return {
          token,
          clientId: typeof payload.client_id === 'string' ? payload.client_id : String(payload.sub ?? ''),
          scopes: scope.split(' ').filter((s) => s !== ''),
          expiresAt: payload.exp,
        };
      } catch {
        throw new OAuthError(OAuthErrorCode.InvalidToken, 'Invalid token');
      }
    },
  };
}
