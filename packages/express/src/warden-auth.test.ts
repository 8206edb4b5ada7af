// Express-specific behaviour of wardenAuth: start-up checks, the body it reads itself, and
// how it combines with the `cors` middleware. Shared behaviour lives in @mcp-warden/adapter-conformance.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Authenticator, createAuthenticator, loadConfig } from '@mcp-warden/core';
import cors from 'cors';
import express, { type Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wardenAuth, wardenMetadata } from './index.js';

const API_KEY = 'express-unit-key';
const TOOLS_CALL = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'deploy', arguments: {} } };
let authenticator: Authenticator;
const servers: Server[] = [];

beforeAll(async () => {
  authenticator = await createAuthenticator(
    loadConfig({ MCP_AUTH_REQUIRED: 'false', MCP_API_KEYS: API_KEY, MCP_TOOL_SCOPES: 'deploy=mcp:deploy' }),
  );
});
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await authenticator.close();
});

async function listen(app: Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('start-up checks', () => {
  it('refuses a missing authenticator when the middleware is built, not on the first request', () => {
    expect(() => wardenAuth({} as never)).toThrow(TypeError);
    expect(() => wardenAuth({ authenticator, metadata: {} as never })).toThrow(/createMetadataProvider/);
    expect(() => wardenMetadata({} as never)).toThrow(/createMetadataProvider/);
  });
});

describe('the parsed body', () => {
  it('reads the JSON body itself, after authentication: no express.json() needed for the tools/call check', async () => {
    const app = express();
    app.post('/mcp', wardenAuth({ authenticator }), (req, res) =>
      res.json({ body: req.body, caller: req.auth?.clientId }),
    );
    const baseUrl = await listen(app);
    const anonymous = await fetch(`${baseUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TOOLS_CALL),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('scope="mcp:deploy"');
    const withKey = await fetch(`${baseUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify(TOOLS_CALL),
    });
    expect(await withKey.json()).toEqual({ body: TOOLS_CALL, caller: 'api_key:1' });
  });

  it('never reads the body of a request it refuses: the 401 comes before a byte of it', async () => {
    const app = express();
    app.post('/mcp', wardenAuth({ authenticator, required: true }), (_req, res) => res.json({ reached: true }));
    const baseUrl = await listen(app);
    // 8 MiB of '[': reading it would end in 413 (over the 4 MiB limit), never in 401.
    let sent = 0;
    const chunk = new TextEncoder().encode('['.repeat(16 * 1024));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 8 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${baseUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      // @ts-expect-error Node's fetch needs duplex for a streamed body; not in the DOM typings.
      duplex: 'half',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('reads the body express.json() parsed: a scoped tools/call without credentials is challenged', async () => {
    const app = express();
    app.use(express.json());
    app.post('/mcp', wardenAuth({ authenticator }), (req, res) => res.json({ body: req.body }));
    const baseUrl = await listen(app);
    const challenged = await fetch(`${baseUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TOOLS_CALL),
    });
    expect(challenged.status).toBe(401);
    expect(challenged.headers.get('www-authenticate')).toContain('scope="mcp:deploy"');
    const listed = await fetch(`${baseUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(await listed.json()).toEqual({ body: { jsonrpc: '2.0', id: 2, method: 'tools/list' } });
  });
});

describe('req.auth', () => {
  it('is cleared for an anonymous request, whatever an earlier middleware put there', async () => {
    const app = express();
    app.use((req, _res, next) => {
      req.auth = { token: 'forged', clientId: 'admin', scopes: ['everything'] };
      next();
    });
    app.get('/mcp', wardenAuth({ authenticator }), (req, res) => res.json({ auth: req.auth ?? null }));
    const res = await fetch(`${await listen(app)}/mcp`);
    expect(await res.json()).toEqual({ auth: null });
  });
});

describe('with the cors middleware', () => {
  it('keeps the application origin and adds WWW-Authenticate to its exposed headers', async () => {
    const app = express();
    app.use(cors({ origin: 'https://app.example.com', exposedHeaders: ['X-Request-Id'] }));
    app.use(express.json());
    app.all('/mcp', wardenAuth({ authenticator, required: true }), (_req, res) => res.json({}));
    const baseUrl = await listen(app);

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
    expect(challenged.headers.get('access-control-expose-headers')).toBe(
      'X-Request-Id, WWW-Authenticate, Retry-After, DPoP-Nonce, Mcp-Session-Id, Mcp-Protocol-Version',
    );
  });

  it('leaves CORS entirely to the application with cors: false', async () => {
    const app = express();
    app.use(cors({ origin: 'https://app.example.com', exposedHeaders: ['WWW-Authenticate'] }));
    app.all('/mcp', wardenAuth({ authenticator, required: true, cors: false }), (_req, res) => res.json({}));
    const res = await fetch(`${await listen(app)}/mcp`, { headers: { origin: 'https://app.example.com' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
  });
});
