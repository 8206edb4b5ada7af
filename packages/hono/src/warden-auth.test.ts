// Hono-specific behaviour of wardenAuth: the body stays readable for the MCP handler, start-up
// checks, and hono/cors. Shared behaviour lives in @mcp-warden/adapter-conformance.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Authenticator, createAuthenticator, loadConfig } from '@mcp-warden/core';
import { createMetadataProvider } from '@mcp-warden/metadata';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WardenEnv, wardenAuth, wardenMetadata } from './index.js';

const API_KEY = 'hono-unit-key';
let authenticator: Authenticator;
const servers: Server[] = [];

beforeAll(async () => {
  authenticator = await createAuthenticator(
    loadConfig({ MCP_AUTH_REQUIRED: 'true', MCP_API_KEYS: API_KEY, MCP_TOOL_SCOPES: 'deploy=mcp:deploy' }),
  );
});
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await authenticator.close();
});

async function listen(app: Hono<WardenEnv>): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening as Server));
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

describe('the request body', () => {
  it('is read for the tools/call check and still readable, unconsumed, by the handler', async () => {
    const app = new Hono<WardenEnv>();
    app.post('/mcp', wardenAuth({ authenticator }), async (c) =>
      c.json({ raw: await c.req.raw.json(), caller: c.get('auth')?.clientId }),
    );
    const message = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { x: 1 } } };
    const res = await fetch(`${await listen(app)}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify(message),
    });
    expect(await res.json()).toEqual({ raw: message, caller: 'api_key:1' });
  });

  it('is not JSON: nothing to check, the handler answers it', async () => {
    const app = new Hono<WardenEnv>();
    app.post('/mcp', wardenAuth({ authenticator, required: false }), async (c) => c.text(await c.req.text()));
    const res = await fetch(`${await listen(app)}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"jsonrpc": "2.0", "method": "tools/call"',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"jsonrpc": "2.0", "method": "tools/call"');
  });

  it('works through app.request(), without a server', async () => {
    const app = new Hono<WardenEnv>();
    app.post('/mcp', wardenAuth({ authenticator }), (c) => c.json({ caller: c.get('auth')?.clientId }));
    const res = await app.request('/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'deploy' } }),
    });
    // Refused before its body is read: the challenge names the route's scopes, not the tool's
    // (the 403 of an authenticated call names those).
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).not.toContain('mcp:deploy');
  });
});

describe('with hono/cors', () => {
  it('keeps the application origin and adds WWW-Authenticate to its exposed headers', async () => {
    const app = new Hono<WardenEnv>();
    app.use(cors({ origin: 'https://app.example.com', exposeHeaders: ['X-Request-Id'] }));
    app.all('/mcp', wardenAuth({ authenticator }), (c) => c.json({}));
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
    const app = new Hono<WardenEnv>();
    app.use(cors({ origin: 'https://app.example.com', exposeHeaders: ['WWW-Authenticate'] }));
    app.all('/mcp', wardenAuth({ authenticator, cors: false }), (c) => c.json({}));
    const res = await fetch(`${await listen(app)}/mcp`, { headers: { origin: 'https://app.example.com' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
  });
});

describe('after a middleware that already read the body', () => {
  it('still checks tools/call against the tool scopes, from Hono body cache', async () => {
    const app = new Hono<WardenEnv>();
    app.use(async (c, next) => {
      await c.req.json();
      await next();
    });
    app.post('/mcp', wardenAuth({ authenticator, required: false }), (c) => c.json({ reached: true }));
    const res = await fetch(`${await listen(app)}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'deploy' } }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('scope="mcp:deploy"');
  });
});

describe('work that outlives a request goes to the runtime\'s waitUntil (docs/deploying.md, "Cloudflare Workers")', () => {
  /** What Hono on Workers gets as `c.executionCtx`: here it only records what it is handed. */
  function executionContext(handed: Promise<unknown>[]) {
    return {
      waitUntil: (promise: Promise<unknown>) => void handed.push(promise),
      passThroughOnException() {},
      props: {},
    };
  }

  /** A provider on loopback: its metadata and a JWKS with one RS256 key. */
  async function provider() {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    let base = '';
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (req.url === '/jwks') return res.end(JSON.stringify({ keys: [jwk] }));
      if (req.url === '/.well-known/openid-configuration') {
        return res.end(
          JSON.stringify({ issuer: base, authorization_endpoint: `${base}/authorize`, token_endpoint: `${base}/t` }),
        );
      }
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const mint = (sub: string) =>
      new SignJWT({ sub })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(base)
        .setAudience('http://localhost:8000/mcp')
        .setExpirationTime('5m')
        .sign(privateKey);
    return { base, seen, mint };
  }

  it('hands a stale key set’s background refresh to c.executionCtx.waitUntil', async () => {
    const idp = await provider();
    const jwtAuthenticator = await createAuthenticator(
      loadConfig({ MCP_AUTH_REQUIRED: 'true', MCP_JWT_ISSUER: idp.base, MCP_OAUTH_JWKS_URI: `${idp.base}/jwks` }),
      { jwks: { maxAgeMs: 100 } },
    );
    try {
      const app = new Hono<WardenEnv>();
      app.all('/mcp', wardenAuth({ authenticator: jwtAuthenticator }), (c) =>
        c.json({ caller: c.get('auth')?.extra?.subject }),
      );
      const handed: Promise<unknown>[] = [];
      const call = async (sub: string) =>
        app.request(
          '/mcp',
          { method: 'POST', headers: { authorization: `Bearer ${await idp.mint(sub)}` } },
          {},
          executionContext(handed),
        );
      expect((await call('first')).status).toBe(200);
      expect(handed).toHaveLength(1); // the first fetch, awaited by the request, handed over as well
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect((await call('stale')).status).toBe(200);
      expect(handed).toHaveLength(2);
      await Promise.all(handed);
      expect(idp.seen.filter((path) => path === '/jwks')).toHaveLength(2);
      // Without an execution context (Node.js, Bun, Deno) nothing breaks.
      expect((await app.request('/mcp', { method: 'POST' })).status).toBe(401);
    } finally {
      await jwtAuthenticator.close();
    }
  });

  it('fetches the provider’s metadata on the first request for it, handing the fetch to waitUntil', async () => {
    const idp = await provider();
    const metadata = await createMetadataProvider(loadConfig({ MCP_OAUTH_SERVER_URL: idp.base }));
    try {
      const app = new Hono<WardenEnv>();
      app.use(wardenAuth({ authenticator, metadata }));
      expect(idp.seen).toEqual([]); // nothing at construction
      const handed: Promise<unknown>[] = [];
      const res = await app.request('/.well-known/oauth-authorization-server', {}, {}, executionContext(handed));
      expect(res.status).toBe(200);
      expect((await res.json()).token_endpoint).toBe(`${idp.base}/t`); // the provider's own document
      expect(handed).toHaveLength(1);
      const viaMetadata = new Hono();
      viaMetadata.use(wardenMetadata({ metadata }));
      expect((await (await viaMetadata.request('/.well-known/oauth-authorization-server')).json()).token_endpoint).toBe(
        `${idp.base}/t`,
      );
      expect(idp.seen).toEqual(['/.well-known/openid-configuration']);
    } finally {
      metadata.close();
    }
  });
});
