// Key rotation: the authorization server rotates its signing key; tokens signed with the new
// key are accepted after one JWKS refresh (docs/requirements.md, "Signing keys"), with no restart, on every framework.
import { createDevIssuer, type DevIssuer } from '@mcp-warden/dev-issuer';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORKS, freePort, type ServerProcess, seedCurl, startServerProcess, toolsCall } from './server-process.js';

const COOLDOWN_SECONDS = 0.2;

describe.each(FRAMEWORKS)('signing key rotation on %s', (framework) => {
  let issuer: DevIssuer;
  let server: ServerProcess;
  let mcpUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    mcpUrl = `http://localhost:${port}/mcp`;
    issuer = await createDevIssuer({ resource: mcpUrl });
    server = await startServerProcess({
      env: {
        PORT: String(port),
        MCP_HTTP_FRAMEWORK: framework,
        MCP_AUTH_REQUIRED: 'true',
        MCP_JWT_ISSUER: issuer.issuer,
        MCP_OAUTH_SERVER_URL: issuer.issuer, // the JWKS URI is discovered from the issuer
        MCP_JWKS_REFRESH_COOLDOWN: String(COOLDOWN_SECONDS),
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await issuer?.close();
  });

  async function whoami(token: string) {
    const res = await seedCurl(`${server.url}/mcp`, toolsCall('whoami'), { authorization: `Bearer ${token}` });
    return { status: res.status, body: await res.text() };
  }

  it('accepts tokens signed with the new key after the refresh, without a restart', async () => {
    const before = await issuer.clientCredentialsToken({ scope: 'mcp:tools' });
    expect((await whoami(before)).status).toBe(200);

    await issuer.rotateKeys();
    const after = await issuer.clientCredentialsToken({ scope: 'mcp:tools' });
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);

    // One cooldown window after the first fetch, the unknown kid triggers the refresh.
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_SECONDS * 1000 + 100));
    const answer = await whoami(after);
    expect(answer.status).toBe(200);
    expect(JSON.parse(JSON.parse(answer.body).result.content[0].text)).toMatchObject({
      authenticated: true,
      issuer: issuer.issuer,
    });
    // The previous key is still published, so tokens issued before the rotation keep working.
    expect((await whoami(before)).status).toBe(200);
  });
});
