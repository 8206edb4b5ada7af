// The embedded development issuer end to end: the official MCP client
// against the zero-config server on every framework, starting from the HTTP 401 and doing its own
// discovery (RFC 9728 §3.1; RFC 9728 §2; RFC 6750 §3, RFC 9728 §5.1), then client credentials, then step-up (RFC 6750 §3.1; docs/requirements.md, "Step-up for tools").
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { completeAuthorization } from '@mcp-warden/dev-issuer';
import {
  Client,
  ClientCredentialsProvider,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCredentialsToken, issuerFromBanner, registerClientCredentialsClient } from './embedded-issuer.js';
import { REDIRECT_URL, TestOAuthClient } from './oauth-test-client.js';
import { FRAMEWORKS, type ServerProcess, startServerProcess, toolsCall } from './server-process.js';

function textOf(result: unknown): string {
  return (result as { content: { type: string; text: string }[] }).content[0]!.text;
}

describe.each(FRAMEWORKS)('zero-config server with the embedded issuer on %s', (framework) => {
  let server: ServerProcess;
  let issuer: string;
  let mcpUrl: string;

  beforeAll(async () => {
    server = await startServerProcess({ env: { MCP_HTTP_FRAMEWORK: framework } });
    issuer = issuerFromBanner(server.output());
    mcpUrl = `http://localhost:${server.port}/mcp`;
  });
  afterAll(() => server?.stop());

  it('prints the MCP URL, the issuer and a command that gets a token', () => {
    expect(server.output()).toContain(`MCP endpoint   ${mcpUrl}`);
    expect(server.output()).toMatch(/TOKEN=\$\(curl -s -u \S+ -d grant_type=client_credentials/);
  });

  it('answers an anonymous call with the 401 challenge that starts OAuth (RFC 6750 §3, RFC 9728 §5.1)', async () => {
    const res = await fetch(mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    // Bearer first, then DPoP with its algorithms (RFC 9449 §7.1), both naming the metadata.
    const prmUrl = `http://localhost:${server.port}/.well-known/oauth-protected-resource/mcp`;
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${prmUrl}", scope="mcp:tools", DPoP algs="ES256 EdDSA RS256 PS256", resource_metadata="${prmUrl}", scope="mcp:tools"`,
    );
    const prm = await (await fetch(`http://localhost:${server.port}/.well-known/oauth-protected-resource/mcp`)).json();
    expect(prm).toMatchObject({ resource: mcpUrl, authorization_servers: [issuer] });
  });

  // The zero-config resource is http://localhost:PORT/mcp; a user may copy either loopback address.
  it.each(['localhost', '127.0.0.1'])(
    'the official MCP client signs in with authorization code + PKCE and dynamic registration through http://%s:PORT/mcp',
    async (host) => {
      const mcpUrl = `http://${host}:${server.port}/mcp`;
      const provider = new TestOAuthClient();
      const first = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
      const client = new Client({ name: 'mcp-warden-e2e', version: '1.0.0' });
      await expect(client.connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
      expect(provider.clientInformation()?.client_id).toBeTruthy(); // registered itself (RFC 7591)
      expect(provider.authorizationUrl?.searchParams.get('code_challenge_method')).toBe('S256');
      expect(provider.authorizationUrl?.searchParams.get('resource')).toBe(mcpUrl); // RFC 8707

      const callback = await completeAuthorization(provider.authorizationUrl!, { issuer, url: issuer });
      await first.finishAuth(callback.searchParams);

      const authed = new Client({ name: 'mcp-warden-e2e', version: '1.0.0' });
      await authed.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
      const tools = await authed.listTools();
      expect(tools.tools.map((t) => t.name).sort()).toEqual(['admin_info', 'echo', 'whoami']);
      const who = JSON.parse(textOf(await authed.callTool({ name: 'whoami', arguments: {} })));
      expect(who).toMatchObject({
        authenticated: true,
        method: 'jwt',
        subject: 'dev-user',
        clientId: provider.clientInformation()!.client_id,
        issuer,
      });
      expect(who.scopes).toContain('mcp:tools');
      await authed.close();
    },
    30_000,
  );

  it('a client credentials token reaches whoami as the client (official client)', async () => {
    const { client_id, client_secret } = await registerClientCredentialsClient(issuer, 'mcp:tools');
    const provider = new ClientCredentialsProvider({
      clientId: client_id,
      clientSecret: client_secret,
      scope: 'mcp:tools',
      expectedIssuer: issuer,
    });
    const client = new Client({ name: 'mcp-warden-e2e-machine', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
    const who = JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} })));
    expect(who).toMatchObject({
      authenticated: true,
      method: 'jwt',
      clientId: client_id,
      subject: client_id,
      scopes: ['mcp:tools'],
    });
    await client.close();
  });

  it('step-up: admin_info without mcp:admin is a 403 insufficient_scope challenge; with it, it succeeds (RFC 6750 §3.1; docs/requirements.md, "Step-up for tools")', async () => {
    const post = (token: string) =>
      fetch(mcpUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify(toolsCall('admin_info')),
      });

    const narrow = await post(await clientCredentialsToken(issuer, mcpUrl, 'mcp:tools'));
    expect(narrow.status).toBe(403);
    const prmUrl = `http://localhost:${server.port}/.well-known/oauth-protected-resource/mcp`;
    expect(narrow.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${prmUrl}", scope="mcp:tools mcp:admin", error="insufficient_scope", error_description="The access token does not grant the scope this operation requires", DPoP algs="ES256 EdDSA RS256 PS256", resource_metadata="${prmUrl}", scope="mcp:tools mcp:admin"`,
    );
    expect((await narrow.json()).error).toBe('insufficient_scope');

    const wide = await post(await clientCredentialsToken(issuer, mcpUrl, 'mcp:tools mcp:admin'));
    expect(wide.status).toBe(200);
    const info = JSON.parse(textOf((await wide.json()).result));
    expect(info).toMatchObject({ framework, authMethods: ['jwt'] });
  });

  it('a client named by its metadata document URL (no registration) gets a token the server accepts', async () => {
    // The client's own web server on this machine publishes its Client ID Metadata Document.
    const documents = createServer((req, res) => {
      if (req.url !== '/oauth/client.json') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          client_id: documentUrl,
          client_name: 'mcp-warden e2e (metadata document)',
          redirect_uris: [REDIRECT_URL],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        }),
      );
    });
    await new Promise<void>((resolve) => documents.listen(0, '127.0.0.1', resolve));
    const documentUrl = `http://127.0.0.1:${(documents.address() as AddressInfo).port}/oauth/client.json`;
    try {
      const metadata = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json();
      expect(metadata.client_id_metadata_document_supported).toBe(true);

      const verifier = randomBytes(32).toString('base64url');
      const authorization = new URL(metadata.authorization_endpoint);
      authorization.search = new URLSearchParams({
        response_type: 'code',
        client_id: documentUrl,
        redirect_uri: REDIRECT_URL,
        scope: 'mcp:tools',
        resource: mcpUrl,
        state: 'cimd',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();
      const callback = await completeAuthorization(authorization, { issuer, url: issuer });
      const tokenResponse = await fetch(metadata.token_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code') ?? '',
          code_verifier: verifier,
          redirect_uri: REDIRECT_URL,
          client_id: documentUrl,
        }),
      });
      expect(tokenResponse.status).toBe(200);
      const { access_token: token } = await tokenResponse.json();

      const res = await fetch(mcpUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify(toolsCall('whoami')),
      });
      expect(res.status).toBe(200);
      const who = JSON.parse(textOf((await res.json()).result));
      expect(who).toMatchObject({ authenticated: true, method: 'jwt', subject: 'dev-user', clientId: documentUrl });
    } finally {
      await new Promise<void>((resolve) => {
        documents.close(() => resolve());
        documents.closeAllConnections();
      });
    }
  });
});
