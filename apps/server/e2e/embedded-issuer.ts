/**
 * Tokens from the embedded development issuer of a zero-configuration server, obtained the way a
 * machine client of that issuer would: read the issuer from the start-up banner, register itself
 * (RFC 7591), then the client credentials grant with the MCP URL as its resource (RFC 8707).
 *
 * @module
 */

/** The issuer URL the server printed in its banner (`OAuth issuer   http://…`). */
export function issuerFromBanner(output: string): string {
  const match = /OAuth issuer\s+(\S+)/.exec(output);
  if (!match) throw new Error(`no issuer in the banner:\n${output}`);
  return match[1]!;
}

async function authorizationServerMetadata(issuer: string) {
  const response = await fetch(`${issuer}/.well-known/oauth-authorization-server`);
  if (response.status !== 200) throw new Error(`issuer metadata: HTTP ${response.status}`);
  return (await response.json()) as { registration_endpoint: string; token_endpoint: string };
}

/** Registers a `client_credentials` client allowed `scope` (space-separated). */
export async function registerClientCredentialsClient(
  issuer: string,
  scope: string,
  clientName = 'mcp-warden e2e machine client',
): Promise<{ client_id: string; client_secret: string }> {
  const metadata = await authorizationServerMetadata(issuer);
  const response = await fetch(metadata.registration_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: clientName,
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope,
    }),
  });
  if (response.status !== 201) throw new Error(`registration: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as { client_id: string; client_secret: string };
}

/**
 * A fresh client's access token for `resource` with `scope`. The client may ask for both scopes
 * the issuer knows, so a narrower `scope` yields a token that really lacks the others.
 */
export async function clientCredentialsToken(issuer: string, resource: string, scope: string): Promise<string> {
  const { client_id, client_secret } = await registerClientCredentialsClient(issuer, 'mcp:tools mcp:admin');
  const metadata = await authorizationServerMetadata(issuer);
  const response = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource }),
  });
  if (response.status !== 200) throw new Error(`token request: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
