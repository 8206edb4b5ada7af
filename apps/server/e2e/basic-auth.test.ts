// HTTP Basic credentials (RFC 7617) on the real server process, every framework: curl with `-u`
// and with the credentials in the URL, Node's `auth` option, the challenge beside Bearer (RFC 9110
// §11.6.1), and the official MCP client still completing OAuth (discovery, dynamic registration,
// authorization code with PKCE) against a server that also offers Basic (docs/authentication.md).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { completeAuthorization } from '@mcp-warden/dev-issuer';
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestOAuthClient } from './oauth-test-client.js';
import {
  FRAMEWORKS,
  runUntilExit,
  type ServerProcess,
  seedCurl,
  startServerProcess,
  TOOLS_LIST,
  toolsCall,
} from './server-process.js';

/** A password as `openssl rand -hex 16` makes one: safe in a URL, no colon, no comma. */
const ADA = { user: 'ada', password: '5f0c2b8e9d4a71e3c6b02f9a8d1e4c7b' };
/** Configured by digest; user id and password outside ASCII (RFC 7617 §2.1). */
const ZOE = { user: 'zoë', password: 'pässwörd-über-sechzehn' };
const USERS = `${ADA.user}:${ADA.password},${ZOE.user}:sha256:${createHash('sha256').update(ZOE.password).digest('hex')}`;
const BODY = JSON.stringify(toolsCall('whoami'));

interface CurlAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The real curl binary (.ci/run installs it when missing), answer headers included (`-i`). */
function curl(args: string[]): Promise<CurlAnswer> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-s', '-S', '-i', ...args], { encoding: 'utf8', timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`curl failed: ${error.message} ${stderr}`));
      const end = stdout.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = stdout.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: stdout.slice(end + 4) });
    });
  });
}

/** `whoami` as the seed's curl commands send it, plus the credential arguments. */
const curlWhoami = (url: string, ...credentials: string[]) =>
  curl([...credentials, '-H', 'Content-Type: application/json', '-d', BODY, url]);

function caller(body: string): Record<string, unknown> {
  return JSON.parse(JSON.parse(body).result.content[0].text);
}

/** Node's own way of sending URL credentials: `http.request` with `auth: 'user:password'`. */
function nodeRequestWithAuth(url: string, auth: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        auth,
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(BODY);
  });
}

const running: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((server) => server.stop()));
});
async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess({ env });
  running.push(server);
  return server;
}

describe.each(FRAMEWORKS)('HTTP Basic users alone on %s', (framework) => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await start({ MCP_HTTP_FRAMEWORK: framework, MCP_BASIC_AUTH_USERS: USERS, MCP_AUTH_REQUIRED: 'true' });
  });

  it('curl -u and curl http://user:password@host/mcp reach whoami as the user', async () => {
    const withOption = await curlWhoami(`${server.url}/mcp`, '-u', `${ADA.user}:${ADA.password}`);
    expect(withOption.status).toBe(200);
    expect(caller(withOption.body)).toMatchObject({
      authenticated: true,
      method: 'basic',
      clientId: 'ada',
      subject: 'ada',
      expiresAt: null,
    });
    const inUrl = await curlWhoami(`http://${ADA.user}:${ADA.password}@127.0.0.1:${server.port}/mcp`);
    expect(inUrl.status).toBe(200);
    expect(caller(inUrl.body)).toMatchObject({ method: 'basic', clientId: 'ada' });
    // The seed's path too.
    const seedPath = await curlWhoami(`http://${ADA.user}:${ADA.password}@127.0.0.1:${server.port}/mcp/messages`);
    expect(seedPath.status).toBe(200);
  });

  it('a user configured by digest signs in with a UTF-8 user id and password', async () => {
    const res = await curlWhoami(`${server.url}/mcp`, '-u', `${ZOE.user}:${ZOE.password}`);
    expect(res.status).toBe(200);
    expect(caller(res.body)).toMatchObject({ method: 'basic', clientId: 'zoë', subject: 'zoë' });
  });

  it('Node http.request with the auth option (how Node clients send URL credentials) works', async () => {
    const res = await nodeRequestWithAuth(`${server.url}/mcp`, `${ADA.user}:${ADA.password}`);
    expect(res.status).toBe(200);
    expect(caller(res.body)).toMatchObject({ method: 'basic', clientId: 'ada' });
  });

  it('without credentials: 401 with the Bearer challenge first and Basic beside it', async () => {
    const res = await curlWhoami(`${server.url}/mcp`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer resource_metadata="http://127.0.0.1:${server.port}/.well-known/oauth-protected-resource/mcp", Basic realm="http://127.0.0.1:${server.port}/mcp", charset="UTF-8"`,
    );
    expect(JSON.parse(res.body)).toEqual({ error: 'invalid_token', error_description: 'Authentication required' });
  });

  it('a wrong password and an unknown user get the same 401; malformed credentials a 400 JSON answer', async () => {
    const wrong = await curlWhoami(`${server.url}/mcp`, '-u', `${ADA.user}:${ADA.password.replace('5', '6')}`);
    const unknown = await curlWhoami(`${server.url}/mcp`, '-u', `mallory:${ADA.password}`);
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toEqual({
        error: 'invalid_token',
        error_description: 'Could not validate credentials',
      });
      expect(res.headers['www-authenticate']).toMatch(
        /^Bearer resource_metadata="[^"]+", error="invalid_token", .*, Basic realm=/,
      );
    }
    const malformed = await curlWhoami(`${server.url}/mcp`, '-H', 'Authorization: Basic ada:not-base64');
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toMatchObject({ error: 'invalid_request' });
  });

  it('the seed commands keep working: tools/list without credentials is refused, the API key scheme is unaffected', async () => {
    const res = await seedCurl(`${server.url}/mcp/messages`, TOOLS_LIST);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: expect.any(String), error_description: expect.any(String) });
  });

  it('never writes a password or the Basic credentials to its output', async () => {
    await curlWhoami(`${server.url}/mcp`, '-u', `${ADA.user}:wrong-${ADA.password}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const output = server.output();
    expect(output).toContain('ERR_BASIC_CREDENTIALS_INVALID');
    for (const secret of [ADA.password, ZOE.password, Buffer.from(`${ADA.user}:${ADA.password}`).toString('base64')]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toMatch(/"basicAuthUsers":\["ada:\*\*\*","zoë:sha256:\*\*\*"\]/);
  });
});

describe.each(FRAMEWORKS)('OAuth and HTTP Basic side by side on %s', (framework) => {
  let server: ServerProcess;
  let issuer: string;
  beforeAll(async () => {
    // The embedded issuer asked for explicitly, beside the Basic users.
    server = await start({ MCP_HTTP_FRAMEWORK: framework, MCP_DEV_ISSUER: 'true', MCP_BASIC_AUTH_USERS: USERS });
    const match = /OAuth issuer\s+(\S+)/.exec(server.output());
    if (!match) throw new Error(`no issuer in the banner:\n${server.output()}`);
    issuer = match[1]!;
  });

  it('the 401 offers Bearer (with resource_metadata and scope) first, then DPoP, then Basic', async () => {
    const res = await curlWhoami(`http://localhost:${server.port}/mcp`);
    expect(res.status).toBe(401);
    const prmUrl = `http://localhost:${server.port}/.well-known/oauth-protected-resource/mcp`;
    expect(res.headers['www-authenticate']).toBe(
      `Bearer resource_metadata="${prmUrl}", scope="mcp:tools", DPoP algs="ES256 EdDSA RS256 PS256", resource_metadata="${prmUrl}", scope="mcp:tools", Basic realm="http://localhost:${server.port}/mcp", charset="UTF-8"`,
    );
  });

  it('the official MCP client completes discovery, registration and authorization code + PKCE, then calls whoami as the OAuth user', async () => {
    const mcpUrl = `http://localhost:${server.port}/mcp`;
    const provider = new TestOAuthClient();
    const first = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
    const client = new Client({ name: 'mcp-warden-e2e', version: '1.0.0' });
    await expect(client.connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.clientInformation()?.client_id).toBeTruthy();
    expect(provider.authorizationUrl?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(provider.authorizationUrl?.searchParams.get('resource')).toBe(mcpUrl);
    // The scope comes from the Bearer challenge, nothing of the Basic one with it (the client adds offline_access).
    expect(provider.authorizationUrl?.searchParams.get('scope')?.split(' ').sort()).toEqual([
      'mcp:tools',
      'offline_access',
    ]);

    const callback = await completeAuthorization(provider.authorizationUrl!, { issuer, url: issuer });
    await first.finishAuth(callback.searchParams);

    const authed = new Client({ name: 'mcp-warden-e2e', version: '1.0.0' });
    await authed.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
    const result = await authed.callTool({ name: 'whoami', arguments: {} });
    const who = JSON.parse((result.content as { type: string; text: string }[])[0]!.text);
    expect(who).toMatchObject({ authenticated: true, method: 'jwt', subject: 'dev-user', issuer });
    await authed.close();
  }, 60_000);

  it('a Basic user reaches admin_info: Basic users carry every configured scope, as API keys do', async () => {
    const res = await curl([
      '-u',
      `${ADA.user}:${ADA.password}`,
      '-H',
      'Content-Type: application/json',
      '-d',
      JSON.stringify(toolsCall('admin_info')),
      `http://localhost:${server.port}/mcp`,
    ]);
    expect(res.status).toBe(200);
    expect(caller(res.body)).toMatchObject({ framework, authMethods: ['basic', 'jwt'] });
  });
});

describe('start-up', () => {
  it('refuses a short password in clear, naming MCP_BASIC_AUTH_USERS and how to make a good one, never showing it', async () => {
    const { code, output } = await runUntilExit({ MCP_BASIC_AUTH_USERS: 'ada:tiny-secret', MCP_AUTH_REQUIRED: 'true' });
    expect(code).toBe(1);
    expect(output).toContain('MCP_BASIC_AUTH_USERS: entry 1 (user "ada") has a password of 11 characters');
    expect(output).toContain('openssl rand -hex 16');
    expect(output).toContain('user:sha256:<hex>');
    expect(output).not.toContain('tiny-secret');
    expect(output).not.toMatch(/listening on/);
  });
});
