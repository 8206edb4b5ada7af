/** Scopes the development issuer grants: `mcp:tools` for tool calls, `mcp:admin` for step-up tests. */
export const DEV_ISSUER_SCOPES = ['mcp:tools', 'mcp:admin'] as const;

/** One of {@link DEV_ISSUER_SCOPES}. */
export type DevIssuerScope = (typeof DEV_ISSUER_SCOPES)[number];

/** Whether `scope` is one the development issuer knows. */
export function isDevIssuerScope(scope: string): scope is DevIssuerScope {
  return (DEV_ISSUER_SCOPES as readonly string[]).includes(scope);
}
