/**
 * The scopes the development issuer grants by default.
 *
 * @module
 */

/**
 * Scopes the development issuer grants by default: `mcp:tools` for tool calls, `mcp:admin` for
 * step-up tests (a tool that needs more than the token has).
 *
 * @example
 * ```ts
 * const issuer = await createDevIssuer({ scopes: [...DEV_ISSUER_SCOPES, 'mcp:files'] });
 * ```
 */
export const DEV_ISSUER_SCOPES = ['mcp:tools', 'mcp:admin'] as const;

/** One of {@link DEV_ISSUER_SCOPES}. */
export type DevIssuerScope = (typeof DEV_ISSUER_SCOPES)[number];

/**
 * Whether `scope` is one of the default {@link DEV_ISSUER_SCOPES}.
 *
 * @example
 * ```ts
 * isDevIssuerScope('mcp:admin'); // true
 * isDevIssuerScope('offline_access'); // false
 * ```
 */
export function isDevIssuerScope(scope: string): scope is DevIssuerScope {
  return (DEV_ISSUER_SCOPES as readonly string[]).includes(scope);
}
