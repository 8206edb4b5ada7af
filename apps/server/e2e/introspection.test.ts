// Opaque access tokens end to end (docs/providers.md; RFC 7662 §2.2): the development issuer issues opaque tokens and
// authenticates its introspection clients; the reference server, on every framework, validates
// them through RFC 7662 introspection. A counting proxy between the two shows that a burst of
// 1,000 concurrent requests carrying one token costs exactly one introspection call.
import { Agent, createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDevIssuer, type DevIssuer } from '@mcp-warden/dev-issuer';
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

const BURST = 1000;
/**
 * Client connections for the burst. Every request is issued at once; they share this many sockets
 * so the burst does not take a thousand ephemeral ports from the tests running next to it (a
 * server of another test binding PORT+1 must not find it taken). While the first introspection is
 * held at the proxy, this many requests are provably waiting on it.
 */
const BURST_CONNECTIONS = 100;
const HELD_INTROSPECTION_MS = 300;
// The resource server's own credentials at the issuer: one client per client authentication method.
const BASIC_CLIENT = { clientId: 'mcp-server', clientSecret: 'mcp-server-introspection-secret' };
const POST_CLIENT = { clientId: 'mcp-server-post', clientSecret: 'mcp-server-post-secret' };

let issuer: DevIssuer;
let proxy: Server;
let proxyUrl: string;
/** Introspection requests that went through the proxy, by token. */
const introspectedTokens: string[] = [];
/** Introspection requests the issuer itself handled (its debug log), through the proxy or not. */
let issuerIntrospections = 0;
/** While set, the proxy holds introspection requests this long before forwarding them. */
let proxyDelayMs = 0;
const ports = new Map<string, number>();
const running: ServerProcess[] = [];

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

beforeAll(async () => {
  for (const name of [...FRAMEWORKS, 'discover']) ports.set(name, await freePort());
  issuer = await createDevIssuer({
    accessTokenFormat: 'opaque',
    resource: [...ports.values()].map((port) => `http://localhost:${port}/mcp`),
    clients: [
      { ...BASIC_CLIENT, grantTypes: ['client_credentials'] },
      { ...POST_CLIENT, grantTypes: ['client_credentials'], tokenEndpointAuthMethod: 'client_secret_post' },
    ],
    logger: {
      debug: (fields, message) => {
        if (message === 'request handled' && (fields as { route?: unknown }).route === 'introspection') {
          issuerIntrospections++;
        }
      },
    },
  });
  // A plain forwarding proxy in front of the introspection endpoint, counting what it forwards.
  proxy = createServer(async (req, res) => {
    const body = await readBody(req);
    introspectedTokens.push(new URLSearchParams(body).get('token') ?? '');
    if (proxyDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, proxyDelayMs));
    const upstream = await fetch(issuer.introspectionEndpoint, {
      method: 'POST',
      headers: {
        'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded',
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      },
      body,
    });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(await upstream.text());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/introspect`;
});

afterAll(async () => {
  await Promise.all(running.map((server) => server.stop()));
  proxy?.closeAllConnections();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await issuer?.close();
});

async function start(name: string, env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess({ env: { PORT: String(ports.get(name)), ...env } });
  running.push(server);
  return server;
}

function resourceOf(name: string): string {
  return `http://localhost:${ports.get(name)}/mcp`;
}

/** POSTs tools/list with the token through `agent`; resolves with the status once the body is read. */
function postToolsList(url: string, token: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: '*/*' },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(JSON.stringify(TOOLS_LIST));
  });
}

async function whoami(server: ServerProcess, token: string): Promise<Record<string, unknown>> {
  const response = await seedCurl(`${server.url}/mcp`, toolsCall('whoami'), { authorization: `Bearer ${token}` });
  expect(response.status).toBe(200);
  return JSON.parse((await response.json()).result.content[0].text);
}

describe.each(FRAMEWORKS)('opaque tokens through introspection on %s', (framework) => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await start(framework, {
      MCP_HTTP_FRAMEWORK: framework,
      MCP_AUTH_REQUIRED: 'true',
      MCP_JWT_ISSUER: issuer.issuer,
      MCP_OAUTH_SERVER_URL: issuer.issuer,
      MCP_OAUTH_INTROSPECTION_ENDPOINT: proxyUrl,
      MCP_OAUTH_CLIENT_ID: BASIC_CLIENT.clientId,
      MCP_OAUTH_CLIENT_SECRET: BASIC_CLIENT.clientSecret,
      MCP_LOG_LEVEL: 'debug',
    });
  });

  it('accepts an opaque token: the tool handler sees the introspected identity', async () => {
    const token = await issuer.clientCredentialsToken({ scope: 'mcp:tools', resource: resourceOf(framework) });
    expect(token.split('.')).toHaveLength(1);
    expect(await whoami(server, token)).toMatchObject({
      authenticated: true,
      method: 'introspection',
      clientId: issuer.devClient.clientId,
      subject: issuer.devClient.clientId,
      scopes: ['mcp:tools'],
      issuer: issuer.issuer,
    });
  });

  it(`introspects once for a burst of ${BURST} concurrent requests with one token`, { timeout: 60_000 }, async () => {
    const token = await issuer.clientCredentialsToken({ resource: resourceOf(framework) });
    const agent = new Agent({ keepAlive: true, maxSockets: BURST_CONNECTIONS });
    proxyDelayMs = HELD_INTROSPECTION_MS;
    try {
      const statuses = await Promise.all(
        Array.from({ length: BURST }, () => postToolsList(`${server.url}/mcp`, token, agent)),
      );
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
    } finally {
      proxyDelayMs = 0;
      agent.destroy();
    }
    expect(introspectedTokens.filter((seen) => seen === token)).toHaveLength(1);
  });

  it('refuses an unknown or revoked token with 401 invalid_token, never a pass', async () => {
    const token = await issuer.clientCredentialsToken({ resource: resourceOf(framework) });
    const revoked = await fetch(issuer.revocationEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${btoa(`${issuer.devClient.clientId}:${issuer.devClient.clientSecret}`)}`,
      },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(revoked.status).toBe(200);
    for (const bad of [token, 'not-a-token-the-issuer-knows']) {
      const response = await seedCurl(`${server.url}/mcp`, TOOLS_LIST, { authorization: `Bearer ${bad}` });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(await response.json()).toEqual({
        error: 'invalid_token',
        error_description: 'Could not validate credentials',
      });
    }
  });

  it('refuses a token issued for another resource (RFC 8707 §2) and checks scopes as for JWTs (docs/requirements.md, "Step-up for tools")', async () => {
    const elsewhere = await issuer.clientCredentialsToken({
      resource: resourceOf(framework === 'hono' ? 'express' : 'hono'),
    });
    const response = await seedCurl(`${server.url}/mcp`, TOOLS_LIST, { authorization: `Bearer ${elsewhere}` });
    expect(response.status).toBe(401);
    expect((await response.json()).error_description).toBe('Invalid token audience');

    const toolsOnly = await issuer.clientCredentialsToken({ scope: 'mcp:tools', resource: resourceOf(framework) });
    const admin = await seedCurl(`${server.url}/mcp`, toolsCall('admin_info'), {
      authorization: `Bearer ${toolsOnly}`,
    });
    expect(admin.status).toBe(403);
    expect(admin.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('explains the routing in the debug log and never writes a token there', async () => {
    const token = await issuer.clientCredentialsToken({ resource: resourceOf(framework) });
    await whoami(server, token);
    const output = server.output();
    expect(output).toContain('not a JWT and not an API key: introspecting it');
    for (const seen of introspectedTokens) expect(output).not.toContain(seen);
  });
});

describe('introspection endpoint discovered from the issuer, client_secret_post', () => {
  it('finds introspection_endpoint in the issuer metadata and authenticates in the request body', async () => {
    const server = await start('discover', {
      MCP_AUTH_REQUIRED: 'true',
      MCP_JWT_ISSUER: issuer.issuer,
      MCP_OAUTH_INTROSPECTION_ENDPOINT: 'discover',
      MCP_OAUTH_INTROSPECTION_AUTH_METHOD: 'client_secret_post',
      MCP_OAUTH_CLIENT_ID: POST_CLIENT.clientId,
      MCP_OAUTH_CLIENT_SECRET: POST_CLIENT.clientSecret,
    });
    const token = await issuer.clientCredentialsToken({ resource: resourceOf('discover') });
    const before = issuerIntrospections;
    const proxied = introspectedTokens.length;
    const identities = await Promise.all(Array.from({ length: 20 }, () => whoami(server, token)));
    expect(identities.every((identity) => identity.method === 'introspection')).toBe(true);
    expect(issuerIntrospections - before).toBe(1);
    expect(introspectedTokens.length).toBe(proxied); // straight to the issuer, not through the proxy
  });
});
