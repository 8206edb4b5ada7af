// Proves each adapter README's example: an MCP server from the official SDK v2, mounted behind
// the adapter the way its README shows, receives the caller's AuthInfo in its tool handlers
// (ctx.http.authInfo), exercised with the official SDK client over real HTTP. One fixture, three
// mounts: a behaviour difference between adapters fails here.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Authenticator, createAuthenticator, loadConfig } from '@mcp-warden/core';
import { wardenAuth as expressAuth, wardenMetadata as expressMetadata } from '@mcp-warden/express';
import { wardenPlugin } from '@mcp-warden/fastify';
import { wardenAuth as honoAuth, wardenMetadata as honoMetadata, type WardenEnv } from '@mcp-warden/hono';
import { createMetadataProvider, type MetadataProvider } from '@mcp-warden/metadata';
import { Client, DpopSession, StreamableHTTPClientTransport, withDpop } from '@modelcontextprotocol/client';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RESOURCE = 'http://localhost:8000/mcp';
const API_KEY = 'sdk-proof-key';
const BASIC_PASSWORD = 'sdk-proof-basic-password';

interface Mounted {
  baseUrl: string;
  close(): Promise<void>;
}
type Mount = (authenticator: Authenticator, metadata: MetadataProvider) => Promise<Mounted>;

/** The README example's MCP server: one tool that reports what it received. */
function createMcp() {
  return createMcpHandler(() => {
    const mcpServer = new McpServer({ name: 'demo', version: '1.0.0' });
    mcpServer.registerTool('whoami', { description: 'Who is calling' }, (ctx) => ({
      content: [{ type: 'text', text: JSON.stringify(ctx.http?.authInfo ?? null) }],
    }));
    return mcpServer;
  });
}

async function listenNode(server: Server): Promise<Mounted> {
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const mounts: Record<string, Mount> = {
  // packages/express/README.md: toNodeHandler behind wardenAuth, which reads the JSON body itself.
  express: async (authenticator, metadata) => {
    const mcp = toNodeHandler(createMcp());
    const app = express();
    app.use(expressMetadata({ metadata }));
    app.all('/mcp', expressAuth({ authenticator }), (req, res) => mcp(req, res, req.body));
    return listenNode(app.listen(0, '127.0.0.1'));
  },
  // packages/fastify/README.md: the plugin, then a hijacked reply handed to toNodeHandler.
  fastify: async (authenticator, metadata) => {
    const mcp = toNodeHandler(createMcp());
    const app = Fastify();
    await app.register(wardenPlugin, { authenticator, metadata });
    app.all('/mcp', (request, reply) => {
      reply.hijack();
      return mcp(request.raw, reply.raw, request.body);
    });
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    return { baseUrl, close: () => app.close() };
  },
  // packages/hono/README.md: the web-standard face given c.get('auth'). The tool scopes make the
  // middleware read the body (from a clone) before the MCP handler does.
  hono: async (authenticator, metadata) => {
    const mcp = createMcp();
    const app = new Hono<WardenEnv>();
    app.use(honoMetadata({ metadata }));
    app.all('/mcp', honoAuth({ authenticator, toolScopes: { deploy: ['mcp:deploy'] } }), (c) =>
      mcp.fetch(c.req.raw, { authInfo: c.get('auth') }),
    );
    return listenNode(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server);
  },
};

let authenticator: Authenticator;
let metadata: MetadataProvider;
let token: string;
let signingKey: CryptoKey;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  signingKey = privateKey;
  token = await new SignJWT({ scope: 'mcp:read', client_id: 'sdk-client' })
    .setProtectedHeader({ alg: 'RS256' })
    .setAudience(RESOURCE)
    .setSubject('alice')
    .setExpirationTime('5m')
    .sign(privateKey);
  const config = loadConfig({
    MCP_AUTH_REQUIRED: 'true',
    MCP_API_KEYS: API_KEY,
    MCP_BASIC_AUTH_USERS: `grace:${BASIC_PASSWORD}`,
    MCP_JWT_PUBLIC_KEY: await exportSPKI(publicKey),
    MCP_RESOURCE_URL: RESOURCE,
  });
  authenticator = await createAuthenticator(config);
  metadata = await createMetadataProvider(config, { discover: false });
});

afterAll(async () => {
  await authenticator.close();
  metadata.close();
});

describe.each(Object.keys(mounts))('the official MCP SDK behind %s', (name) => {
  let mounted: Mounted;
  beforeAll(async () => {
    mounted = await mounts[name]!(authenticator, metadata);
  });
  afterAll(() => mounted.close());

  async function whoami(headers: Record<string, string>): Promise<unknown> {
    const client = new Client({ name: 'conformance', version: '1.0.0' });
    const url = new URL(`${mounted.baseUrl}/mcp`);
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
    try {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      const [content] = result.content as { type: string; text: string }[];
      return JSON.parse(content?.text ?? 'null');
    } finally {
      await client.close();
    }
  }

  it('hands the API key caller to the tool handler as ctx.http.authInfo', async () => {
    expect(await whoami({ 'X-API-Key': API_KEY })).toMatchObject({
      clientId: 'api_key:1',
      extra: { method: 'api_key' },
    });
  });

  it('hands the JWT caller to the tool handler, scopes and subject included', async () => {
    expect(await whoami({ Authorization: `Bearer ${token}` })).toMatchObject({
      clientId: 'sdk-client',
      scopes: ['mcp:read'],
      extra: { method: 'jwt', subject: 'alice' },
    });
  });

  it('hands a Basic user to the tool handler: a client that can set a header needs nothing else (RFC 7617)', async () => {
    const authorization = `Basic ${Buffer.from(`grace:${BASIC_PASSWORD}`).toString('base64')}`;
    expect(await whoami({ Authorization: authorization })).toMatchObject({
      clientId: 'grace',
      extra: { method: 'basic', subject: 'grace' },
    });
  });

  it("carries a DPoP-bound token with the SDK client's own proofs (DpopSession, withDpop; RFC 9449)", async () => {
    const session = await DpopSession.create();
    const bound = await new SignJWT({ scope: 'mcp:read', client_id: 'dpop-client', cnf: { jkt: session.thumbprint } })
      .setProtectedHeader({ alg: 'RS256' })
      .setAudience(RESOURCE)
      .setSubject('alice')
      .setExpirationTime('5m')
      .sign(signingKey);
    // The client speaks to the resource URL (the proofs' htu); the connection goes to this test's port.
    const toServer: typeof fetch = (input, init) =>
      fetch(
        String(input instanceof Request ? input.url : input).replace('http://localhost:8000', mounted.baseUrl),
        init,
      );
    const client = new Client({ name: 'conformance', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(RESOURCE), { fetch: withDpop(session, () => bound)(toServer) }),
    );
    try {
      for (let call = 0; call < 2; call++) {
        const result = await client.callTool({ name: 'whoami', arguments: {} });
        const [content] = result.content as { type: string; text: string }[];
        expect(JSON.parse(content?.text ?? 'null')).toMatchObject({
          clientId: 'dpop-client',
          extra: { method: 'jwt', cnf: { jkt: session.thumbprint } },
        });
      }
    } finally {
      await client.close();
    }
  });

  it('stops a client without credentials with the 401 challenge before the MCP server sees it', async () => {
    const res = await fetch(`${mounted.baseUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami' } }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(
      'resource_metadata="http://localhost:8000/.well-known/oauth-protected-resource/mcp"',
    );
  });
  it('keeps the CORS headers on the MCP response itself (a hijacked reply on Fastify)', async () => {
    const res = await fetch(`${mounted.baseUrl}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        origin: 'https://inspector.example.org',
        'x-api-key': API_KEY,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    await res.body?.cancel();
  });
});
