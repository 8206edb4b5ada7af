// The official MCP SDK client's discovery code, pointed at our documents served over real HTTP:
// what Claude, MCP Inspector and every SDK-based client run before their first request (RFC 9728 §3, RFC 8414 §3).
import { loadConfig } from '@mcp-warden/core';
import {
  checkResourceAllowed,
  discoverAuthorizationServerMetadata,
  discoverOAuthMetadata,
  discoverOAuthProtectedResourceMetadata,
  discoverOAuthServerInfo,
} from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchAnswer } from './__fixtures__/fetch-answer.js';
import { startTestServer, type TestServer } from './__fixtures__/http-server.js';
import { createMetadataProvider, type MetadataProvider } from './metadata-provider.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Our MCP server: a real HTTP server whose only routes are the provider's well-known ones. */
async function mcpServer(build: (base: string) => Promise<MetadataProvider>): Promise<TestServer> {
  const server = await startTestServer();
  const metadata = await build(server.base);
  server.setHandler((request) => fetchAnswer(metadata, request));
  cleanups.push(
    () => server.close(),
    () => metadata.close(),
  );
  return server;
}

describe('official SDK client discovery against our documents', () => {
  it('accepts our protected-resource and authorization-server metadata (authorization server on the same origin)', async () => {
    const server = await mcpServer((base) =>
      createMetadataProvider(
        loadConfig({
          MCP_RESOURCE_URL: `${base}/mcp`,
          MCP_OAUTH_SERVER_URL: base,
          MCP_OAUTH_REGISTRATION_ENDPOINT: `${base}/register`,
          MCP_SCOPES_SUPPORTED: 'mcp:read mcp:write',
        }),
        { discover: false },
      ),
    );
    const serverUrl = `${server.base}/mcp`;

    const resource = await discoverOAuthProtectedResourceMetadata(serverUrl);
    expect(resource.resource).toBe(serverUrl);
    expect(resource.authorization_servers).toEqual([server.base]);
    expect(resource.scopes_supported).toEqual(['mcp:read', 'mcp:write']);
    expect(checkResourceAllowed({ requestedResource: serverUrl, configuredResource: resource.resource })).toBe(true);
    // The SDK probes the path-inserted URL first (RFC 9728 §3.1) and sends MCP-Protocol-Version.
    expect(server.seen[0]).toBe('/.well-known/oauth-protected-resource/mcp');

    const authorizationServer = await discoverAuthorizationServerMetadata(resource.authorization_servers![0]!);
    expect(authorizationServer).toMatchObject({
      issuer: server.base,
      authorization_endpoint: `${server.base}/authorize`,
      token_endpoint: `${server.base}/token`,
      registration_endpoint: `${server.base}/register`,
      code_challenge_methods_supported: ['S256'],
    });

    const info = await discoverOAuthServerInfo(serverUrl);
    expect(info.authorizationServerUrl).toBe(server.base);
    expect(info.resourceMetadata?.resource).toBe(serverUrl);
    expect(info.authorizationServerMetadata?.token_endpoint).toBe(`${server.base}/token`);
  });

  it('accepts the root document for a client that only probes the root', async () => {
    const server = await mcpServer((base) =>
      createMetadataProvider(loadConfig({ MCP_RESOURCE_URL: `${base}/mcp`, MCP_OAUTH_SERVER_URL: base }), {
        discover: false,
      }),
    );
    const resource = await discoverOAuthProtectedResourceMetadata(server.base);
    expect(server.seen).toEqual(['/.well-known/oauth-protected-resource']);
    expect(resource.resource).toBe(`${server.base}/mcp`);
  });

  it('accepts a mirrored issuer with a path and a trailing slash kept exactly (embedded issuer)', async () => {
    const server = await mcpServer(async (base) => {
      const issuer = `${base}/oidc/`;
      return createMetadataProvider(loadConfig({ MCP_RESOURCE_URL: `${base}/mcp` }), {
        upstream: {
          issuer,
          authorization_endpoint: `${issuer}auth`,
          token_endpoint: `${issuer}token`,
          jwks_uri: `${issuer}jwks`,
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
        },
      });
    });
    const resource = await discoverOAuthProtectedResourceMetadata(`${server.base}/mcp`);
    expect(resource.authorization_servers).toEqual([`${server.base}/oidc/`]);
    // A 2025-03-26 client reads the authorization-server metadata from the MCP server's origin.
    const legacy = await discoverOAuthMetadata(server.base);
    expect(legacy?.issuer).toBe(`${server.base}/oidc/`);
    expect(legacy?.token_endpoint).toBe(`${server.base}/oidc/token`);
  });

  it("lets a 2025-03-26 client read the provider's real endpoints from the MCP server", async () => {
    const provider = await startTestServer();
    const providerDocument = () => ({
      issuer: `${provider.base}/`,
      authorization_endpoint: `${provider.base}/authorize`,
      token_endpoint: `${provider.base}/oauth/token`,
      registration_endpoint: `${provider.base}/oidc/register`,
      jwks_uri: `${provider.base}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    provider.setHandler((request) =>
      new URL(request.url).pathname === '/.well-known/openid-configuration'
        ? Response.json(providerDocument())
        : undefined,
    );
    cleanups.push(() => provider.close());
    const server = await mcpServer((base) =>
      createMetadataProvider(
        loadConfig({
          MCP_RESOURCE_URL: `${base}/mcp`,
          MCP_OAUTH_SERVER_URL: provider.base,
          MCP_JWT_ISSUER: `${provider.base}/`,
        }),
      ),
    );

    const legacy = await discoverOAuthMetadata(server.base);
    expect(legacy).toEqual(providerDocument());

    // A current client follows authorization_servers to the provider itself, and the issuer it
    // finds there matches the string we published.
    const resource = await discoverOAuthProtectedResourceMetadata(`${server.base}/mcp`);
    const authorizationServer = await discoverAuthorizationServerMetadata(resource.authorization_servers![0]!);
    expect(authorizationServer?.token_endpoint).toBe(`${provider.base}/oauth/token`);
  });
});
