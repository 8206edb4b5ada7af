// The start contract operators rely on: configuration from the environment and ./.env,
// exit code 1 listing every problem, the production refusal, graceful shutdown, health check,
// DNS-rebinding protection, and logs that name rejections without ever containing a credential.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runUntilExit, type ServerProcess, seedCurl, startServerProcess, TOOLS_LIST } from './server-process.js';

const running: ServerProcess[] = [];
const scratchDirectories: string[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  for (const dir of scratchDirectories) rmSync(dir, { recursive: true, force: true });
});
async function start(env: Record<string, string>, cwd?: string): Promise<ServerProcess> {
  const server = await startServerProcess({ env, ...(cwd ? { cwd } : {}) });
  running.push(server);
  return server;
}

/** The body of a GET with a chosen Host header. */
function getBodyWithHost(url: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A GET with a chosen Host header (fetch does not let a caller set Host). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('start-up', () => {
  it('refuses an invalid configuration with exit code 1 and every problem listed', async () => {
    const { code, output } = await runUntilExit({
      MCP_AUTH_ENABLED: 'maybe',
      MCP_JWT_ALGORITHM: 'HS256',
      MCP_JWT_SECRET: 'too-short-secret-value',
      MCP_HTTP_FRAMEWORK: 'koa',
      MCP_RESOURCE_URL: 'not a url',
    });
    expect(code).toBe(1);
    for (const variable of ['MCP_AUTH_ENABLED', 'MCP_JWT_SECRET', 'MCP_HTTP_FRAMEWORK', 'MCP_RESOURCE_URL']) {
      expect(output).toContain(variable);
    }
    expect(output).not.toContain('too-short-secret-value');
    expect(output).not.toMatch(/listening on/);
    expect(output).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
  });

  it('refuses to run unauthenticated with NODE_ENV=production, naming what to set', async () => {
    const { code, output } = await runUntilExit({ NODE_ENV: 'production' });
    expect(code).not.toBe(0);
    expect(output).toContain('MCP_API_KEYS');
    expect(output).toContain('MCP_AUTH_ENABLED=false');
    expect(output).not.toMatch(/listening on/);
  });

  it.each([
    [{ MCP_JWT_ENABLED: 'true' }, 'MCP_JWT_ENABLED is set', 'MCP_JWT_ISSUER'],
    [{ MCP_JWT_ALGORITHM: 'RS256' }, 'MCP_JWT_ALGORITHM is set', 'MCP_OAUTH_JWKS_URI'],
    [{ MCP_API_KEY_ENABLED: 'true', MCP_API_KEYS: '' }, 'MCP_API_KEY_ENABLED is set', 'MCP_API_KEYS'],
    [{ MCP_JWT_AUDIENCE: 'https://mcp.example.com/mcp' }, 'MCP_JWT_AUDIENCE is set', 'MCP_JWT_PUBLIC_KEY'],
  ])(
    'authentication settings that authenticate nobody refuse to start (%o), never the embedded issuer',
    async (env, says, names) => {
      const { code, output } = await runUntilExit(env);
      expect(code).toBe(1);
      expect(output).toContain(says);
      expect(output).toContain(names);
      expect(output).toContain('MCP_DEV_ISSUER=true');
      expect(output).not.toContain('OAuth issuer');
      expect(output).not.toMatch(/listening on/);
    },
  );

  it('starts the embedded issuer next to such settings only when MCP_DEV_ISSUER=true asks for it', async () => {
    const server = await start({ MCP_JWT_ENABLED: 'true', MCP_DEV_ISSUER: 'true' });
    expect(server.output()).toContain('OAuth issuer');
  }, 30_000);

  it('warns at start-up that optional authentication lets anonymous requests through, naming MCP_AUTH_REQUIRED', async () => {
    const server = await start({ MCP_API_KEYS: 'optional-key-1' });
    expect(server.output()).toMatch(
      /authentication is optional \(MCP_AUTH_REQUIRED=false\).*set MCP_AUTH_REQUIRED=true/,
    );
    expect((await seedCurl(`${server.url}/mcp`, TOOLS_LIST)).status).toBe(200);
    const required = await start({ MCP_API_KEYS: 'optional-key-1', MCP_AUTH_REQUIRED: 'true' });
    expect(required.output()).not.toContain('authentication is optional');
    // JWT is on by default: with only API keys, no warning about JWT keys.
    expect(server.output()).not.toContain('JWT authentication is enabled but');
  }, 30_000);

  it('warns loudly when authentication is disabled in production', async () => {
    const server = await start({ NODE_ENV: 'production', MCP_AUTH_ENABLED: 'false' });
    expect(server.output()).toContain('WARNING: AUTHENTICATION IS DISABLED (MCP_AUTH_ENABLED=false)');
  }, 30_000);

  it('runs open in production only when MCP_AUTH_ENABLED=false says so', async () => {
    const server = await start({ NODE_ENV: 'production', MCP_AUTH_ENABLED: 'false' });
    expect(server.output()).not.toContain('OAuth issuer');
    const res = await seedCurl(`${server.url}/mcp`, TOOLS_LIST);
    expect(res.status).toBe(200);
  }, 30_000);

  it('reads ./.env from its working directory; the environment wins over it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mcp-warden-dotenv-'));
    scratchDirectories.push(cwd);
    writeFileSync(join(cwd, '.env'), 'MCP_API_KEYS=from-dotenv-key\nMCP_AUTH_REQUIRED=true\nMCP_HTTP_FRAMEWORK=koa\n');
    const server = await start({ MCP_HTTP_FRAMEWORK: 'express' }, cwd);
    expect((await seedCurl(`${server.url}/mcp`, TOOLS_LIST, { 'x-api-key': 'from-dotenv-key' })).status).toBe(200);
    expect((await seedCurl(`${server.url}/mcp`, TOOLS_LIST)).status).toBe(401);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'shuts down gracefully on %s with exit code 0',
    async (signal) => {
      const server = await startServerProcess({ env: { MCP_AUTH_ENABLED: 'false' } });
      expect(await server.stop(signal)).toBe(0);
      expect(server.output()).toContain(`"signal":"${signal}"`);
    },
    30_000,
  );
});

describe('serving', () => {
  it('answers GET /healthz without credentials', async () => {
    const server = await start({ MCP_API_KEYS: 'health-check-key', MCP_AUTH_REQUIRED: 'true' });
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('refuses a rebound Host on a loopback bind (DNS rebinding)', async () => {
    const server = await start({ MCP_AUTH_ENABLED: 'false' });
    expect(await getWithHost(`${server.url}/healthz`, `localhost:${server.port}`)).toBe(200);
    expect(await getWithHost(`${server.url}/healthz`, 'attacker.example')).toBe(403);
    const foreignOrigin = await seedCurl(`${server.url}/mcp`, TOOLS_LIST, { origin: 'https://attacker.example' });
    expect(foreignOrigin.status).toBe(403);
  });

  it('names a loopback resource in the spelling of the Host header; a public resource never', async () => {
    const prmPath = '/.well-known/oauth-protected-resource/mcp';
    const resourceFor = async (server: ServerProcess, host: string) =>
      JSON.parse(await getBodyWithHost(`${server.url}${prmPath}`, host)).resource;
    const loopback = await start({ MCP_API_KEYS: 'loopback-key-1', MCP_AUTH_REQUIRED: 'true' });
    expect(await resourceFor(loopback, `127.0.0.1:${loopback.port}`)).toBe(`http://127.0.0.1:${loopback.port}/mcp`);
    expect(await resourceFor(loopback, `localhost:${loopback.port}`)).toBe(`http://localhost:${loopback.port}/mcp`);
    const publicResource = await start({
      MCP_API_KEYS: 'public-key-1',
      MCP_AUTH_REQUIRED: 'true',
      MCP_RESOURCE_URL: 'https://mcp.example.com/mcp',
    });
    for (const host of [`127.0.0.1:${publicResource.port}`, `localhost:${publicResource.port}`, 'mcp.example.com']) {
      expect(await resourceFor(publicResource, host)).toBe('https://mcp.example.com/mcp');
    }
  }, 30_000);

  it('logs every rejection with code, method, path and client address, never the credential', async () => {
    const server = await start({ MCP_API_KEYS: 'sekrit-api-key-0001', MCP_AUTH_REQUIRED: 'true' });
    const badToken = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXRoYXQtaXMtbm90LXZhbGlk';
    await seedCurl(`${server.url}/mcp`, TOOLS_LIST, { authorization: `Bearer ${badToken}` });
    await seedCurl(`${server.url}/mcp/messages`, TOOLS_LIST, { 'x-api-key': 'wrong-api-key-0002' });
    await seedCurl(`${server.url}/mcp`, TOOLS_LIST, { 'x-api-key': 'sekrit-api-key-0001' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const rejected = lines.filter((line) => line.msg === 'request rejected');
    expect(rejected).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: expect.stringMatching(/^ERR_/),
          method: 'POST',
          path: '/mcp',
          clientAddress: '127.0.0.1',
        }),
        expect.objectContaining({
          code: expect.stringMatching(/^ERR_/),
          method: 'POST',
          path: '/mcp/messages',
          clientAddress: '127.0.0.1',
        }),
      ]),
    );
    for (const secret of [badToken, 'wrong-api-key-0002', 'sekrit-api-key-0001']) {
      expect(server.output()).not.toContain(secret);
    }
  });
});
