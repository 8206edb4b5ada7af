// Proves the README example: an MCP server from the official SDK v2, mounted with toNodeHandler
// (reply.hijack) behind wardenPlugin, receives the caller's AuthInfo in its tool handlers (ctx.http.authInfo),
// exercised with the official SDK client over real HTTP.
import { type Authenticator, createAuthenticator, loadConfig } from '@mcp-warden/core';
import { createMetadataProvider, type MetadataProvider } from '@mcp-warden/metadata';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import Fastify, { type FastifyInstance } from 'fastify';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { wardenPlugin } from './index.js';

const RESOURCE = 'http://localhost:8000/mcp';
const API_KEY = 'fastify-sdk-key';
let app: FastifyInstance;
let baseUrl: string;
let authenticator: Authenticator;
let metadata: MetadataProvider;
let token: string;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  token = await new SignJWT({ scope: 'mcp:read', client_id: 'sdk-client' })
    .setProtectedHeader({ alg: 'RS256' })
    .setAudience(RESOURCE)
    .setSubject('alice')
    .setExpirationTime('5m')
    .sign(privateKey);
  const config = loadConfig({
    MCP_AUTH_REQUIRED: 'true',
    MCP_API_KEYS: API_KEY,
    MCP_JWT_PUBLIC_KEY: await exportSPKI(publicKey),
    MCP_RESOURCE_URL: RESOURCE,
  });
  authenticator = await createAuthenticator(config);
  metadata = await createMetadataProvider(config, { discover: false });

  // The README example, with the listening address moved to 127.0.0.1:0.
  const mcp = toNodeHandler(
    createMcpHandler(() => {
      const mcpServer = new McpServer({ name: 'demo', version: '1.0.0' });
      mcpServer.registerTool('whoami', { description: 'Who is calling' }, (ctx) => ({
        content: [{ type: 'text', text: JSON.stringify(ctx.http?.authInfo ?? null) }],
      }));
      return mcpServer;
    }),
  );
  app = Fastify();
  await app.register(wardenPlugin, { authenticator, metadata });
  app.all('/mcp', (request, reply) => {
    reply.hijack();
    return mcp(request.raw, reply.raw, request.body);
  });

  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await authenticator.close();
  metadata.close();
});

async function whoami(headers: Record<string, string>): Promise<unknown> {
  const client = new Client({ name: 'conformance', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), { requestInit: { headers } }));
  try {
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    const [content] = result.content as { type: string; text: string }[];
    return JSON.parse(content?.text ?? 'null');
  } finally {
    await client.close();
  }
}

it('hands the API key caller to the tool handler as ctx.http.authInfo', async () => {
  const auth = await whoami({ 'X-API-Key': API_KEY });
  expect(auth).toMatchObject({ clientId: 'api_key:1', extra: { method: 'api_key' } });
});

it('hands the JWT caller to the tool handler, scopes and subject included', async () => {
  const auth = await whoami({ Authorization: `Bearer ${token}` });
  expect(auth).toMatchObject({
    clientId: 'sdk-client',
    scopes: ['mcp:read'],
    extra: { method: 'jwt', subject: 'alice' },
  });
});

it('stops a client without credentials with the 401 challenge before the MCP server sees it', async () => {
  const res = await fetch(`${baseUrl}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami' } }),
  });
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toContain(
    'resource_metadata="http://localhost:8000/.well-known/oauth-protected-resource/mcp"',
  );
});

it('keeps the CORS headers on the hijacked MCP response', async () => {
  const res = await fetch(`${baseUrl}/mcp`, {
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
