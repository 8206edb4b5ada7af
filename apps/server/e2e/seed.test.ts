// The seed document's "Testing" section, each command as a test, against the real server
// process on every framework (`make dev-server` is `node apps/server/dist/main.js` here).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FRAMEWORKS,
  freePort,
  type ServerProcess,
  seedCurl,
  startServerProcess,
  TOOLS_LIST,
  toolsCall,
} from './server-process.js';

const running: ServerProcess[] = [];
const scratchDirectories: string[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  for (const dir of scratchDirectories) rmSync(dir, { recursive: true, force: true });
});
async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess({ env });
  running.push(server);
  return server;
}

function toolNames(body: { result?: { tools?: { name: string }[] } }): string[] {
  return (body.result?.tools ?? []).map((t) => t.name).sort();
}

describe.each(FRAMEWORKS)('seed Testing section on %s', (framework) => {
  it('"Test Authentication Disabled": tools/list succeeds without auth', async () => {
    const server = await start({ MCP_HTTP_FRAMEWORK: framework, MCP_AUTH_ENABLED: 'false' });
    const res = await seedCurl(`${server.url}/mcp/messages`, TOOLS_LIST);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.json();
    expect(body).toMatchObject({ jsonrpc: '2.0', id: 1 });
    expect(toolNames(body)).toEqual(['admin_info', 'echo', 'whoami']);
  });

  it('"Test API Key": the key is accepted; without it the optional default lets the call through', async () => {
    const server = await start({
      MCP_HTTP_FRAMEWORK: framework,
      MCP_AUTH_ENABLED: 'true',
      MCP_API_KEY_ENABLED: 'true',
      MCP_API_KEYS: 'test-key-123',
    });
    const withKey = await seedCurl(`${server.url}/mcp/messages`, toolsCall('whoami'), { 'x-api-key': 'test-key-123' });
    expect(withKey.status).toBe(200);
    const who = JSON.parse((await withKey.json()).result.content[0].text);
    expect(who).toMatchObject({ authenticated: true, method: 'api_key' });

    const anonymous = await seedCurl(`${server.url}/mcp/messages`, toolsCall('whoami'));
    expect(anonymous.status).toBe(200);
    expect(JSON.parse((await anonymous.json()).result.content[0].text)).toMatchObject({ authenticated: false });

    const wrongKey = await seedCurl(`${server.url}/mcp/messages`, TOOLS_LIST, { 'x-api-key': 'not-the-key' });
    expect(wrongKey.status).toBe(401);
  });

  it('"Test API Key" with MCP_AUTH_REQUIRED=true: refused without the key', async () => {
    const server = await start({
      MCP_HTTP_FRAMEWORK: framework,
      MCP_AUTH_ENABLED: 'true',
      MCP_AUTH_REQUIRED: 'true',
      MCP_API_KEY_ENABLED: 'true',
      MCP_API_KEYS: 'test-key-123',
    });
    const res = await seedCurl(`${server.url}/mcp/messages`, TOOLS_LIST);
    expect(res.status).toBe(401);
    // The resource (http://localhost:PORT/mcp) is a loopback one: the challenge names the metadata
    // under the address this client used.
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="http://127.0.0.1:${server.port}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(await res.json()).toMatchObject({ error: expect.any(String), error_description: expect.any(String) });
    const ok = await seedCurl(`${server.url}/mcp/messages`, TOOLS_LIST, { 'x-api-key': 'test-key-123' });
    expect(ok.status).toBe(200);
  });

  it('"Test JWT": RS256 with MCP_JWT_PUBLIC_KEY_FILE', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const dir = mkdtempSync(join(tmpdir(), 'mcp-warden-seed-'));
    scratchDirectories.push(dir);
    const keyFile = join(dir, 'public-key.pem');
    writeFileSync(keyFile, await exportSPKI(publicKey));
    const port = await freePort();
    const server = await start({
      PORT: String(port),
      MCP_HTTP_FRAMEWORK: framework,
      MCP_AUTH_ENABLED: 'true',
      MCP_JWT_ENABLED: 'true',
      MCP_JWT_ALGORITHM: 'RS256',
      MCP_JWT_PUBLIC_KEY_FILE: keyFile,
    });
    const token = await new SignJWT({ scope: 'mcp:tools', client_id: 'seed-client' })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt' })
      .setSubject('user-42')
      .setAudience(`http://localhost:${port}/mcp`)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);

    const res = await seedCurl(`${server.url}/mcp/messages`, toolsCall('whoami'), { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    const who = JSON.parse((await res.json()).result.content[0].text);
    expect(who).toMatchObject({
      authenticated: true,
      method: 'jwt',
      subject: 'user-42',
      clientId: 'seed-client',
      scopes: ['mcp:tools'],
    });

    const forged = await seedCurl(`${server.url}/mcp/messages`, TOOLS_LIST, {
      authorization: `Bearer ${token.slice(0, -4)}AAAA`,
    });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({
      error: 'invalid_token',
      error_description: 'Could not validate credentials',
    });
  });

  describe('"Test Metadata Discovery"', () => {
    let provider: Server;
    let providerUrl: string;
    beforeAll(async () => {
      // A provider that publishes no metadata of its own: the server builds the documented one (docs/compatibility.md).
      provider = createServer((_req, res) => {
        res.statusCode = 404;
        res.end();
      });
      await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
      providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => provider.close(() => resolve())));

    it('serves the example document of docs/compatibility.md for MCP_OAUTH_SERVER_URL', async () => {
      const server = await start({
        MCP_HTTP_FRAMEWORK: framework,
        MCP_OAUTH_SERVER_URL: providerUrl,
        MCP_API_KEYS: 'k-1234567890',
      });
      const res = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        issuer: providerUrl,
        authorization_endpoint: `${providerUrl}/authorize`,
        token_endpoint: `${providerUrl}/token`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'client_credentials'],
        code_challenge_methods_supported: ['S256'],
      });
    });

    it('answers "OAuth authorization server not configured" when no server URL is set', async () => {
      const server = await start({ MCP_HTTP_FRAMEWORK: framework, MCP_API_KEYS: 'k-1234567890' });
      const res = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
      expect(res.status).toBe(404);
      expect((await res.json()).error_description).toBe('OAuth authorization server not configured');
    });
  });
});
