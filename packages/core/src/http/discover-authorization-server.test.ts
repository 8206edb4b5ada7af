import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isAuthError } from '../errors/auth-error.js';
import { authorizationServerMetadataUrls, discoverAuthorizationServer } from './discover-authorization-server.js';
import { FetchJsonError } from './fetch-json.js';

let server: Server;
let base: string;
let routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
let requested: string[];

const json = (body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  server = createServer((req, res) => {
    requested.push(req.url ?? '');
    const route = routes[req.url ?? ''];
    if (route) return route(req, res);
    res.statusCode = 404;
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  routes = {};
  requested = [];
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('authorizationServerMetadataUrls (docs/requirements.md, "Signing keys", RFC 8414 §3.1)', () => {
  it.each([
    ['https://a.example.com', ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']],
    ['https://a.example.com/', ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']],
    [
      'https://a.example.com/tenant/',
      [
        '/.well-known/openid-configuration/tenant',
        '/tenant/.well-known/openid-configuration',
        '/.well-known/oauth-authorization-server/tenant',
      ],
    ],
  ])('%s', (issuer, paths) => {
    expect(authorizationServerMetadataUrls(issuer)).toEqual(paths.map((p) => `https://a.example.com${p}`));
  });
});

describe('discoverAuthorizationServer (docs/requirements.md, "Signing keys")', () => {
  it('uses OpenID configuration when present', async () => {
    routes['/.well-known/openid-configuration'] = json({ issuer: base, jwks_uri: `${base}/jwks` });
    expect(await discoverAuthorizationServer(base)).toEqual({ issuer: base, jwks_uri: `${base}/jwks` });
    expect(requested).toEqual(['/.well-known/openid-configuration']);
  });

  it('falls back to RFC 8414 oauth-authorization-server', async () => {
    routes['/.well-known/oauth-authorization-server'] = json({ issuer: base, jwks_uri: `${base}/keys` });
    expect((await discoverAuthorizationServer(base)).jwks_uri).toBe(`${base}/keys`);
    expect(requested).toEqual(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']);
  });

  it('inserts the well-known segment for an issuer with a path', async () => {
    const issuer = `${base}/tenant1`;
    routes['/.well-known/oauth-authorization-server/tenant1'] = json({ issuer, token_endpoint: `${issuer}/token` });
    expect((await discoverAuthorizationServer(issuer)).token_endpoint).toBe(`${issuer}/token`);
    expect(requested).toEqual([
      '/.well-known/openid-configuration/tenant1',
      '/tenant1/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server/tenant1',
    ]);
  });

  it('requires the document issuer to equal the configured issuer exactly (RFC 8414 §3.3)', async () => {
    routes['/.well-known/openid-configuration'] = json({ issuer: `${base}/`, jwks_uri: `${base}/jwks` });
    routes['/.well-known/oauth-authorization-server'] = json({ issuer: 'https://evil.example.com' });
    const error = await discoverAuthorizationServer(base).catch((e: unknown) => e);
    expect(isAuthError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_DISCOVERY_ISSUER_MISMATCH', status: 503 });
    // The trailing slash is significant: the same document matches the issuer spelled with it.
    expect((await discoverAuthorizationServer(`${base}/`)).issuer).toBe(`${base}/`);
  });

  it('skips a candidate that is not JSON', async () => {
    routes['/.well-known/openid-configuration'] = (_req, res) => res.end('<html>');
    routes['/.well-known/oauth-authorization-server'] = json({ issuer: base });
    expect(await discoverAuthorizationServer(base)).toEqual({ issuer: base });
  });

  it('throws the classified fetch failure when nothing is found', async () => {
    const error = await discoverAuthorizationServer(base).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchJsonError);
    expect((error as FetchJsonError).failure).toBe('http_status');
  });

  it('stops at a timeout instead of trying every candidate', async () => {
    routes['/.well-known/openid-configuration'] = (_req, res) => {
      setTimeout(() => res.end('{}'), 1000).unref();
    };
    const error = await discoverAuthorizationServer(base, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect((error as FetchJsonError).failure).toBe('timeout');
    expect(requested).toEqual(['/.well-known/openid-configuration']);
  });

  it('spends one time budget across every candidate, not one per URL (docs/security.md)', async () => {
    // A slow 404 on the first candidate, a hanging second: the whole discovery stays within budget.
    routes['/.well-known/openid-configuration'] = (_req, res) => {
      setTimeout(() => {
        res.statusCode = 404;
        res.end();
      }, 400).unref();
    };
    routes['/.well-known/oauth-authorization-server'] = (_req, res) => {
      setTimeout(() => res.end('{}'), 5000).unref();
    };
    const started = performance.now();
    const error = await discoverAuthorizationServer(base, { timeoutMs: 600 }).catch((e: unknown) => e);
    expect((error as FetchJsonError).failure).toBe('timeout');
    expect(requested).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(950);
  });

  it('refuses an oversized document', async () => {
    routes['/.well-known/openid-configuration'] = json({ issuer: base, padding: 'x'.repeat(5000) });
    const error = await discoverAuthorizationServer(base, { maxBytes: 1000 }).catch((e: unknown) => e);
    expect((error as FetchJsonError).failure).toBe('too_large');
  });

  it('rejects a non-URL issuer with a TypeError', async () => {
    await expect(discoverAuthorizationServer('tenant.auth0.com')).rejects.toThrow(TypeError);
  });
});
