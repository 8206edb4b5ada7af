/**
 * Decides how the reference server authenticates, before anything starts (docs/architecture.md,
 * "Embedded default").
 *
 * @module
 */
import type { WardenConfig } from '@mcp-warden/core';
import { hasAuthSource } from './has-auth-source.js';

/** How this process authenticates callers. */
export type AuthPlan =
  | { mode: 'disabled' }
  | { mode: 'configured' }
  | { mode: 'embedded-issuer' }
  | { mode: 'refused'; reason: string };

const WHAT_TO_SET =
  'Set MCP_API_KEYS, MCP_JWT_PUBLIC_KEY, MCP_JWT_PUBLIC_KEY_FILE, MCP_JWT_SECRET, MCP_OAUTH_JWKS_URI, ' +
  'MCP_OAUTH_SERVER_URL, MCP_TRUSTED_ISSUERS or MCP_OAUTH_INTROSPECTION_ENDPOINT, or MCP_AUTH_ENABLED=false to run without authentication on purpose.';

/**
 * - auth disabled: nothing to start;
 * - any explicit auth source: use it, never the embedded issuer (unless forced with
 *   MCP_DEV_ISSUER=true outside production);
 * - nothing configured: the embedded development issuer, except with NODE_ENV=production,
 *   where an unauthenticated server must be a deliberate choice.
 *
 * @example
 * ```ts
 * planAuth(loadConfig({}), undefined, 'production'); // { mode: 'refused', reason: '…' }
 * ```
 */
export function planAuth(config: WardenConfig, devIssuer: boolean | undefined, nodeEnv: string | undefined): AuthPlan {
  const production = nodeEnv === 'production';
  if (!config.authEnabled) return { mode: 'disabled' };
  if (devIssuer === true) {
    if (production) {
      return {
        mode: 'refused',
        reason: 'MCP_DEV_ISSUER=true is for development only and refused with NODE_ENV=production.',
      };
    }
    return { mode: 'embedded-issuer' };
  }
  if (hasAuthSource(config)) return { mode: 'configured' };
  if (production || devIssuer === false) {
    return { mode: 'refused', reason: `No authentication is configured. ${WHAT_TO_SET}` };
  }
  return { mode: 'embedded-issuer' };
}
