/**
 * The banner printed when the embedded development issuer runs: where the MCP endpoint is, who
 * issues tokens, and one paste-able command that gets a token and lists the tools.
 *
 * @module
 */
import type { DevIssuer } from '@mcp-warden/dev-issuer';

/** Renders the banner text. The client secret shown is the development issuer's own, made at start. */
export function devIssuerBanner(mcpUrl: string, issuer: DevIssuer): string {
  const { clientId, clientSecret } = issuer.devClient;
  const getToken =
    `TOKEN=$(curl -s -u '${clientId}:${clientSecret}' -d grant_type=client_credentials ` +
    `-d 'scope=mcp:tools' --data-urlencode 'resource=${mcpUrl}' ${issuer.tokenEndpoint} ` +
    `| node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')`;
  const listTools =
    `curl -s ${mcpUrl} -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ` +
    `-d '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'`;
  return [
    '',
    '  mcp-warden: development mode (embedded OAuth issuer; not for production)',
    '',
    `  MCP endpoint   ${mcpUrl}`,
    `  OAuth issuer   ${issuer.issuer}`,
    '',
    '  Get a token and list the tools:',
    '',
    `    ${getToken}`,
    `    ${listTools}`,
    '',
    '  Configure MCP_API_KEYS, MCP_JWT_* or MCP_OAUTH_* to use your own authentication.',
    '',
  ].join('\n');
}
