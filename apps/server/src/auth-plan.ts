/**
/**
 * Decides how the reference server authenticates, before anything starts: the configured
 * authentication, the embedded development issuer, or a refusal naming what to set
 * (docs/architecture.md, "The reference server").
 *
 * @module
 */
import { CONFIG_ENV_VARIABLES, type WardenConfig } from '@mcp-warden/core';
import { hasAuthSource } from './has-auth-source.js';

/** How this process authenticates callers. */
export type AuthPlan =
  | { mode: 'disabled' }
  | { mode: 'configured' }
  | { mode: 'embedded-issuer' }
  | { mode: 'authorization-server' }
  | { mode: 'refused'; reason: string };

const SOURCES =
  'MCP_API_KEYS, MCP_BASIC_AUTH_USERS, MCP_JWT_PUBLIC_KEY, MCP_JWT_PUBLIC_KEY_FILE, MCP_JWT_SECRET, MCP_OAUTH_JWKS_URI, ' +
  'MCP_OAUTH_SERVER_URL, MCP_TRUSTED_ISSUERS or MCP_OAUTH_INTROSPECTION_ENDPOINT';
const WHAT_TO_SET = `Set ${SOURCES}, or MCP_AUTH_ENABLED=false to run without authentication on purpose.`;

/**
 * Variables that say "I am configuring authentication": writing any of them turns the embedded
 * issuer off, so together they must be able to authenticate someone.
 */
const AUTH_SETTINGS: readonly (keyof WardenConfig)[] = [
  'apiKeyEnabled',
  'apiKeys',
  'basicAuthUsers',
  'jwtEnabled',
  'jwtAlgorithms',
  'jwtSecret',
  'jwtPublicKey',
  'jwtPublicKeyFile',
  'jwtAudience',
  'jwtIssuer',
  'jwtRequireAtJwtType',
  'oauthServerUrl',
  'oauthAuthorizationEndpoint',
  'oauthTokenEndpoint',
  'oauthRegistrationEndpoint',
  'oauthJwksUri',
  'oauthIntrospectionEndpoint',
  'oauthClientId',
  'oauthClientSecret',
  'provider',
  'trustedIssuers',
];

const JWT_SOURCES =
  'MCP_JWT_ISSUER (keys discovered from it), MCP_OAUTH_JWKS_URI, MCP_JWT_PUBLIC_KEY, MCP_JWT_PUBLIC_KEY_FILE';

/** What to set when the authentication variables written cannot authenticate anyone. */
function nothingToAuthenticateWith(config: WardenConfig, written: (keyof WardenConfig)[]): string {
  const names = written.map((key) => CONFIG_ENV_VARIABLES[key]);
  const fixes: string[] = [];
  if (written.includes('apiKeyEnabled') && config.apiKeyEnabled) fixes.push('MCP_API_KEYS (the keys to accept)');
  if (written.some((key) => key.startsWith('jwt')) && config.jwtEnabled) {
    fixes.push(`${JWT_SOURCES}, or MCP_JWT_SECRET with an HS* MCP_JWT_ALGORITHM`);
  }
  const what = `Set ${fixes.length > 0 ? fixes.join('; or ') : SOURCES}.`;
  return (
    `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} set, but no credential can be checked with this configuration. ${what} ` +
    'Or unset them to run with the embedded development issuer (MCP_DEV_ISSUER=true asks for it explicitly), ' +
    'or set MCP_AUTH_ENABLED=false to run without authentication on purpose.'
  );
}

/**
 * - auth disabled: nothing to start;
 * - any explicit auth source: use it, never the embedded issuer (unless forced with
 *   MCP_DEV_ISSUER=true outside production);
 * - authentication variables written that authenticate nobody: refused, naming what to set;
 * - nothing written: the embedded development issuer, except with NODE_ENV=production,
 *   where an unauthenticated server must be a deliberate choice.
 *
 * @param env the environment the configuration was read from: which variables the user wrote.
 * @example
 * ```ts
 * planAuth(loadConfig({}), undefined, { NODE_ENV: 'production' }); // { mode: 'refused', reason: '…' }
 * ```
 */
export function planAuth(
  config: WardenConfig,
  devIssuer: boolean | undefined,
  env: Record<string, string | undefined>,
  federation = false,
): AuthPlan {
  const production = env.NODE_ENV === 'production';
  if (!config.authEnabled) return { mode: 'disabled' };
  if (federation) return planFederation(devIssuer, env);
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
  const written = AUTH_SETTINGS.filter((key) => (env[CONFIG_ENV_VARIABLES[key]] ?? '').trim() !== '');
  if (written.length > 0) return { mode: 'refused', reason: nothingToAuthenticateWith(config, written) };
  if (production || devIssuer === false) {
    return { mode: 'refused', reason: `No authentication is configured. ${WHAT_TO_SET}` };
  }
  return { mode: 'embedded-issuer' };
}

/**
 * Token validation settings that name another authorization server: with the federating
 * authorization server (MCP_UPSTREAM_PROVIDER) this server trusts its own issuer, so these would
 * contradict it.
 */
const ISSUER_SETTINGS: readonly (keyof WardenConfig)[] = [
  'jwtIssuer',
  'jwtSecret',
  'jwtPublicKey',
  'jwtPublicKeyFile',
  'oauthServerUrl',
  'oauthAuthorizationEndpoint',
  'oauthTokenEndpoint',
  'oauthRegistrationEndpoint',
  'oauthJwksUri',
  'oauthIntrospectionEndpoint',
  'provider',
  'trustedIssuers',
];

function planFederation(devIssuer: boolean | undefined, env: Record<string, string | undefined>): AuthPlan {
  if (devIssuer === true) {
    return {
      mode: 'refused',
      reason:
        'MCP_DEV_ISSUER=true and MCP_UPSTREAM_PROVIDER are set: the server runs one authorization server; unset one of them.',
    };
  }
  const written = ISSUER_SETTINGS.filter((key) => (env[CONFIG_ENV_VARIABLES[key]] ?? '').trim() !== '').map(
    (key) => CONFIG_ENV_VARIABLES[key],
  );
  if (written.length > 0) {
    return {
      mode: 'refused',
      reason: `${written.join(', ')} ${written.length === 1 ? 'names' : 'name'} another authorization server, but MCP_UPSTREAM_PROVIDER makes this server its own: unset ${written.length === 1 ? 'it' : 'them'}, or unset MCP_UPSTREAM_PROVIDER.`,
    };
  }
  return { mode: 'authorization-server' };
}
