// Fastify-specific behaviour of wardenPlugin: encapsulation and prefixes, route config,
// request.raw.auth, start-up checks, and @fastify/cors. Shared behaviour lives in
// @mcp-warden/adapter-conformance.
import fastifyCors from '@fastify/cors';
import { type Authenticator, createAuthenticator, loadConfig } from '@mcp-warden/core';
import { createMetadataProvider, type MetadataProvider } from '@mcp-warden/metadata';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { wardenMetadata, wardenPlugin } from './index.js';

const API_KEY = 'fastify-unit-key';
let authenticator: Authenticator;
let metadata: MetadataProvider;
let app: FastifyInstance;

beforeAll(async () => {
  const config = loadConfig({
    MCP_AUTH_REQUIRED: 'true',
    MCP_API_KEYS: API_KEY,
    MCP_RESOURCE_URL: 'http://localhost:8000/api/mcp',
  });
  authenticator = await createAuthenticator(config);
  metadata = await createMetadataProvider(config, { discover: false });
});
afterAll(async () => {
  await authenticator.close();
  metadata.close();
});
afterEach(() => app?.close());

describe('under register(..., { prefix })', () => {
  let app: FastifyInstance;
  afterAll(() => app.close());
  beforeAll(async () => {
    app = Fastify();
    await app.register(wardenMetadata, { metadata });
    await app.register(
      async (api) => {
        await api.register(wardenPlugin, { authenticator });
        api.post('/mcp', async (request) => ({
          auth: request.auth ?? null,
          raw: (request.raw as { auth?: unknown }).auth === request.auth,
        }));
        api.get('/status', { config: { warden: false } }, async () => ({ status: 'ok' }));
        api.get('/admin', { config: { warden: { requiredScopes: ['mcp:admin'], required: false } } }, async (r) => ({
          auth: r.auth ?? null,
        }));
      },
      { prefix: '/api' },
    );
    app.get('/health', async (request) => ({ auth: request.auth ?? null }));
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  let baseUrl: string;
  const call = (method: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}${path}`, { method, headers });

  it('protects the routes of its scope and puts the caller on request.auth and request.raw.auth', async () => {
    expect((await call('POST', '/api/mcp')).status).toBe(401);
    const res = await call('POST', '/api/mcp', { 'x-api-key': API_KEY });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      auth: { clientId: 'api_key:1', extra: { method: 'api_key' } },
      raw: true,
    });
  });

  it('leaves routes outside its scope and routes with config.warden = false alone', async () => {
    expect(await (await call('GET', '/health')).json()).toEqual({ auth: null });
    expect(await (await call('GET', '/api/status')).json()).toEqual({ status: 'ok' });
  });

  it('also works through app.inject(), whose requests have no headersDistinct', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/mcp', headers: { 'x-api-key': API_KEY } });
    expect(res.statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/mcp' })).statusCode).toBe(401);
  });

  it('applies a route config override', async () => {
    expect(await (await call('GET', '/api/admin')).json()).toEqual({ auth: null });
  });

  it('answers preflights under the prefix, and serves the metadata from the root', async () => {
    const preflight = await call('OPTIONS', '/api/anything');
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Mcp-Protocol-Version');
    const prm = await call('GET', '/.well-known/oauth-protected-resource/api/mcp');
    expect(prm.status).toBe(200);
    expect(await prm.json()).toMatchObject({ resource: 'http://localhost:8000/api/mcp' });
  });
});

describe('start-up checks', () => {
  it('refuses a missing authenticator at registration', async () => {
    app = Fastify();
    app.register(wardenPlugin, {} as never);
    await expect(app.ready()).rejects.toThrow(/createAuthenticator/);
  });

  it('refuses to serve the metadata under a prefix, where no client would look', async () => {
    app = Fastify();
    app.register(async (api) => api.register(wardenPlugin, { authenticator, metadata }), { prefix: '/api' });
    await expect(app.ready()).rejects.toThrow(/register wardenMetadata on the root instance/);
  });
});

describe('with @fastify/cors', () => {
  it('works side by side with cors: false, the application owning every CORS header', async () => {
    app = Fastify();
    await app.register(fastifyCors, {
      origin: 'https://app.example.com',
      exposedHeaders: ['WWW-Authenticate'],
      allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type', 'Mcp-Protocol-Version'],
    });
    await app.register(wardenPlugin, { authenticator, cors: false });
    app.post('/mcp', async () => ({}));
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });

    const preflight = await fetch(`${baseUrl}/mcp`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const challenged = await fetch(`${baseUrl}/mcp`, {
      method: 'POST',
      headers: { origin: 'https://app.example.com' },
    });
    expect(challenged.status).toBe(401);
    expect(challenged.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(challenged.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
  });
});

describe('CORS headers and reply.hijack() (docs/requirements.md, "Browser clients")', () => {
  const EXPOSED = 'WWW-Authenticate, Retry-After, DPoP-Nonce, Mcp-Session-Id, Mcp-Protocol-Version';
  let server: FastifyInstance;
  let baseUrl: string;
  afterAll(() => server.close());
  beforeAll(async () => {
    server = Fastify();
    await server.register(wardenPlugin, { authenticator });
    server.get('/sent', async () => ({ sent: 'by fastify' }));
    // The shape of an MCP handler behind toNodeHandler: the reply is hijacked and written raw.
    server.get('/hijacked', (_request, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'application/json' });
      reply.raw.end('{"sent":"raw"}');
    });
    baseUrl = await server.listen({ port: 0, host: '127.0.0.1' });
  });
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}${path}`, { headers: { 'x-api-key': API_KEY, ...headers } });

  it('puts them on every response Fastify sends, with or without Origin', async () => {
    for (const headers of [{}, { origin: 'https://inspector.example.org' }] as Record<string, string>[]) {
      const res = await get('/sent', headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-expose-headers')).toBe(EXPOSED);
    }
  });

  it('puts them on a hijacked response to a cross-origin (browser) request', async () => {
    const res = await get('/hijacked', { origin: 'https://inspector.example.org' });
    expect(await res.json()).toEqual({ sent: 'raw' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toBe(EXPOSED);
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('leaves a hijacked response to a request without Origin as the handler wrote it', async () => {
    const res = await get('/hijacked');
    expect(await res.json()).toEqual({ sent: 'raw' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-expose-headers')).toBeNull();
  });
});
