// Several instances of the reference server sharing one real Redis (MCP_REDIS_URL, docs/scaling.md):
// opaque tokens from the development issuer, checked by RFC 7662 introspection through a counting
// proxy. A token presented to two instances costs one introspection call between them; with Redis
// gone each instance introspects on its own (and says so once), and sharing resumes when Redis is back.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDevIssuer, type DevIssuer } from '@mcp-warden/dev-issuer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type InstancesSharingRedis, startInstancesSharingRedis } from './instances-sharing-redis.js';
import {
  freePort,
  runUntilExit,
  type ServerProcess,
  seedCurl,
  startServerProcess,
  toolsCall,
} from './server-process.js';

const RS_CLIENT = { clientId: 'mcp-server', clientSecret: 'mcp-server-introspection-secret' };
const REDIS_PASSWORD = 'redis-password-never-logged';

let issuer: DevIssuer;
let proxy: Server;
let resourceUrl: string;
/** Tokens the introspection proxy forwarded, in order. */
const introspected: string[] = [];
let cluster: InstancesSharingRedis;
let a: ServerProcess;
let b: ServerProcess;

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

beforeAll(async () => {
  // The one public resource both instances serve, as behind a load balancer.
  resourceUrl = `http://localhost:${await freePort()}/mcp`;
  issuer = await createDevIssuer({
    accessTokenFormat: 'opaque',
    resource: [resourceUrl],
    clients: [{ ...RS_CLIENT, grantTypes: ['client_credentials'] }],
  });
  proxy = createServer(async (req, res) => {
    const body = await readBody(req);
    introspected.push(new URLSearchParams(body).get('token') ?? '');
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
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/introspect`;

  cluster = await startInstancesSharingRedis({
    redis: { password: REDIS_PASSWORD },
    // Two frameworks: the shared state does not depend on which one serves the request.
    env: (index) => ({
      MCP_HTTP_FRAMEWORK: index === 0 ? 'hono' : 'fastify',
      MCP_RESOURCE_URL: resourceUrl,
      MCP_AUTH_REQUIRED: 'true',
      MCP_JWT_ISSUER: issuer.issuer,
      MCP_OAUTH_SERVER_URL: issuer.issuer,
      MCP_OAUTH_INTROSPECTION_ENDPOINT: proxyUrl,
      MCP_OAUTH_CLIENT_ID: RS_CLIENT.clientId,
      MCP_OAUTH_CLIENT_SECRET: RS_CLIENT.clientSecret,
      MCP_REDIS_KEY_PREFIX: 'e2e-shared:',
      // A loaded test machine must not turn a slow answer into a fall-back the test would count.
      MCP_REDIS_TIMEOUT: '10',
    }),
  });
  [a, b] = cluster.instances as [ServerProcess, ServerProcess];
});

afterAll(async () => {
  await cluster?.stop();
  proxy?.closeAllConnections();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await issuer?.close();
});

async function token(): Promise<string> {
  return issuer.clientCredentialsToken({ scope: 'mcp:tools', resource: resourceUrl });
}

async function whoami(server: ServerProcess, bearer: string): Promise<Record<string, unknown>> {
  const response = await seedCurl(`${server.url}/mcp`, toolsCall('whoami'), { authorization: `Bearer ${bearer}` });
  expect(response.status).toBe(200);
  return JSON.parse((await response.json()).result.content[0].text);
}

function callsFor(bearer: string): number {
  return introspected.filter((seen) => seen === bearer).length;
}

describe('two instances sharing Redis', () => {
  it('name Redis at start-up by host and port, never with its password', async () => {
    await vi.waitFor(
      () => {
        for (const instance of [a, b]) expect(instance.output()).toContain('Redis connected');
      },
      { timeout: 20_000, interval: 100 },
    );
    for (const instance of [a, b]) {
      const output = instance.output();
      expect(output).toContain(`in Redis at redis://127.0.0.1:${cluster.redis.port}`);
      expect(output).not.toContain(REDIS_PASSWORD);
    }
  });

  it('make one introspection call for a token presented to both', async () => {
    const bearer = await token();
    const first = await whoami(a, bearer);
    const second = await whoami(b, bearer);
    expect(callsFor(bearer)).toBe(1);
    expect(second).toMatchObject({ authenticated: true, method: 'introspection', scopes: ['mcp:tools'] });
    expect(second).toEqual(first);
    // And again, each from its own in-process cache.
    await whoami(a, bearer);
    await whoami(b, bearer);
    expect(callsFor(bearer)).toBe(1);
  });

  it('with Redis gone: both still answer (each introspects), one warning each, no crash; shared again once Redis is back', async () => {
    await cluster.redis.kill();
    const bearer = await token();
    expect(await whoami(a, bearer)).toMatchObject({ authenticated: true, method: 'introspection' });
    expect(await whoami(b, bearer)).toMatchObject({ authenticated: true, method: 'introspection' });
    expect(callsFor(bearer)).toBe(2);
    const another = await token();
    await whoami(a, another);
    await whoami(b, another);
    // Log lines may reach the pipe a moment after the answers.
    await vi.waitFor(
      () => {
        for (const instance of [a, b]) {
          expect(instance.output()).toContain('Redis unreachable');
          expect(instance.output()).toContain('shared store unavailable');
        }
      },
      { timeout: 20_000, interval: 100 },
    );
    for (const instance of [a, b]) {
      const output = instance.output();
      expect(output.split('shared store unavailable: introspecting without the shared cache')).toHaveLength(2);
      expect(output).not.toContain(REDIS_PASSWORD);
      expect(output).not.toContain(bearer);
    }

    await cluster.redis.restart();
    await vi.waitFor(
      () => {
        for (const instance of [a, b]) expect(instance.output()).toContain('Redis reachable again');
      },
      { timeout: 30_000, interval: 100 },
    );
    const afterOutage = await token();
    await whoami(b, afterOutage);
    await whoami(a, afterOutage);
    expect(callsFor(afterOutage)).toBe(1);
    await vi.waitFor(
      () => {
        for (const instance of [a, b]) expect(instance.output()).toContain('shared store available again');
      },
      { timeout: 20_000, interval: 100 },
    );
  });
});

describe('MCP_REDIS_URL at start-up', () => {
  it('refuses a URL that is not redis:// or rediss://, listed with every other problem and without the password', async () => {
    const { code, output } = await runUntilExit({
      MCP_REDIS_URL: 'http://user:hunter2@cache.example.com:6379',
      MCP_LOG_LEVEL: 'loud',
      MCP_API_KEYS: 'k',
    });
    expect(code).toBe(1);
    expect(output).toContain('MCP_REDIS_URL');
    expect(output).toContain('must be a redis:// or rediss:// URL');
    expect(output).toContain('MCP_LOG_LEVEL');
    expect(output).not.toContain('hunter2');
  });

  it('starts when Redis is not reachable yet, and says so', async () => {
    const closedPort = await freePort();
    const server = await startServerProcess({
      env: { MCP_API_KEYS: 'k', MCP_REDIS_URL: `redis://:pw-not-logged@127.0.0.1:${closedPort}` },
      timeoutMs: 60_000,
    });
    try {
      const output = server.output();
      expect(output).toContain(`Redis at redis://127.0.0.1:${closedPort} is not reachable yet: starting anyway`);
      expect(output).not.toContain('pw-not-logged');
      const response = await seedCurl(`${server.url}/mcp`, toolsCall('whoami'), { 'x-api-key': 'k' });
      expect(response.status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
