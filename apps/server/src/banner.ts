/**
 * The banner printed when the embedded development issuer runs: where the MCP endpoint is, who
 * issues tokens, and one paste-able command that gets a token and lists the tools.
 *
 * @module
 */
import { resourceSpellings } from '@mcp-warden/core';
import { clientCredentialsCurl, type DevIssuer } from '@mcp-warden/dev-issuer';

/**
 * Renders the banner text. The token command carries the development issuer's own client secret,
 * made at start: printed once to the terminal that started the server, never logged.
 */
export function devIssuerBanner(mcpUrl: string, issuer: DevIssuer): string {
  const extractToken = `node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token'`;
  const listTools =
    `curl -s ${mcpUrl} -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ` +
    `-d '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'`;
  return [
    '',
    '  mcp-warden: development mode (embedded OAuth issuer; NOT FOR PRODUCTION)',
    '',
    `  MCP endpoint   ${mcpUrl}`,
    // A loopback resource answers under each loopback spelling, OAuth included.
    ...resourceSpellings(mcpUrl)
      .slice(1)
      .map((url) => `             or  ${url}`),
    `  OAuth issuer   ${issuer.issuer}`,
    `  Sign in as     ${issuer.user.id}`,
    '',
    '  Get a token and list the tools:',
    '',
    `    TOKEN=$(${clientCredentialsCurl(issuer)} | ${extractToken})`,
    `    ${listTools}`,
    '',
    '  To use your own authentication, set MCP_API_KEYS, MCP_BASIC_AUTH_USERS, or MCP_JWT_ISSUER /',
    '  MCP_OAUTH_JWKS_URI / MCP_JWT_PUBLIC_KEY / MCP_JWT_SECRET (see .env.mcp.example); this issuer',
    '  then stays off.',
    '',
  ].join('\n');
}
