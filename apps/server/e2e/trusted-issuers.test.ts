// Several trusted issuers end to end (docs/providers.md): two development issuers are trusted through
// MCP_TRUSTED_ISSUERS (one by discovery, one by JWKS URI), both accepted; a third one's token is
// refused before the server contacts anybody, and the metadata names both trusted issuers (RFC 9728 §2).
import { createDevIssuer, type DevIssuer } from '@mcp-warden/dev-issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORKS, freePort, type ServerProcess, seedCurl, startServerProcess, toolsCall } from './server-process.js';

let first: DevIssuer;
let second: DevIssuer;
let stranger: DevIssuer;
/** Every request each issuer handled, from its own debug log. */
const handled = new Map<DevIssuer, string[]>();
const ports = new Map<string, number>();
const running: ServerProcess[] = [];

async function devIssuer(resources: string[]): Promise<DevIssuer> {
  const paths: string[] = [];
  const issuer = await createDevIssuer({
    resource: resources,
    logger: {
      debug: (fields, message) => {
        if (message === 'request handled') paths.push(String((fields as { path?: unknown }).path));
      },
    },
  });
  handled.set(issuer, paths);
  return issuer;
}

beforeAll(async () => {
  for (const framework of FRAMEWORKS) ports.set(framework, await freePort());
  const resources = [...ports.values()].map((port) => `http://localhost:${port}/mcp`);
  [first, second, stranger] = await Promise.all([devIssuer(resources), devIssuer(resources), devIssuer(resources)]);
});

afterAll(async () => {
  await Promise.all(running.map((server) => server.stop()));
  await Promise.all([first, second, stranger].map((issuer) => issuer?.close()));
});

describe.each(FRAMEWORKS)('two trusted issuers on %s', (framework) => {
  let server: ServerProcess;
  const resource = () => `http://localhost:${ports.get(framework)}/mcp`;

  beforeAll(async () => {
    server = await startServerProcess({
      env: {
        PORT: String(ports.get(framework)),
        MCP_HTTP_FRAMEWORK: framework,
        MCP_AUTH_REQUIRED: 'true',
        MCP_TRUSTED_ISSUERS: JSON.stringify([
          { issuer: first.issuer },
          { issuer: second.issuer, jwksUri: second.jwksUri, algorithms: ['RS256'] },
        ]),
      },
    });
    running.push(server);
  });

  async function call(token: string): Promise<Response> {
    return seedCurl(`${server.url}/mcp`, toolsCall('whoami'), { authorization: `Bearer ${token}` });
  }

  it('accepts tokens from both trusted issuers, each verified with its own keys', async () => {
    for (const issuer of [first, second]) {
      const response = await call(await issuer.clientCredentialsToken({ resource: resource() }));
      expect(response.status).toBe(200);
      const identity = JSON.parse((await response.json()).result.content[0].text);
      expect(identity).toMatchObject({ authenticated: true, method: 'jwt', issuer: issuer.issuer });
    }
  });

  it('refuses a third issuer’s token with 401 without fetching anything from it', async () => {
    const token = await stranger.clientCredentialsToken({ resource: resource() });
    const before = handled.get(stranger)!.length;
    const response = await call(token);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_token', error_description: 'Invalid token issuer' });
    expect(handled.get(stranger)!.slice(before)).toEqual([]);
  });

  it('lists both trusted issuers in the protected-resource metadata (RFC 9728 §2)', async () => {
    const response = await fetch(`${server.url}/.well-known/oauth-protected-resource/mcp`);
    expect((await response.json()).authorization_servers).toEqual([first.issuer, second.issuer]);
  });
});
