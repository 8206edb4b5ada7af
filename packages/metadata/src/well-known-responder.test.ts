import { describe, expect, it } from 'vitest';
import { fetchAnswer } from './__fixtures__/fetch-answer.js';
import { createWellKnownResponder, type WellKnownDocument } from './well-known-responder.js';

const prm = { resource: 'https://mcp.example.com/mcp', authorization_servers: ['https://as.example.com'] };
let asMetadata: Record<string, unknown> | undefined;

const documents: WellKnownDocument[] = [
  { path: '/.well-known/oauth-protected-resource/mcp', kind: 'protected-resource', document: () => prm },
  { path: '/.well-known/oauth-protected-resource', kind: 'protected-resource', document: () => prm },
  {
    path: '/.well-known/oauth-authorization-server',
    kind: 'authorization-server',
    document: () => asMetadata,
    cacheControl: () => 'public, max-age=60',
  },
];
const respond = createWellKnownResponder(documents);
const at = async (path: string, init?: RequestInit) =>
  fetchAnswer({ respond }, new Request(`https://mcp.example.com${path}`, init));

describe('well-known handler (docs/requirements.md, "Discovery endpoints")', () => {
  it.each(['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'])(
    'GET %s serves the document as public JSON',
    async (path) => {
      const response = await at(path);
      expect(response?.status).toBe(200);
      expect(response?.headers.get('content-type')).toBe('application/json');
      expect(response?.headers.get('access-control-allow-origin')).toBe('*');
      expect(response?.headers.get('cache-control')).toBe('public, max-age=300');
      expect(await response?.json()).toEqual(prm);
    },
  );

  it('ignores the query string and never asks for credentials', async () => {
    const response = await at('/.well-known/oauth-protected-resource?x=1', {
      headers: { authorization: 'Bearer junk' },
    });
    expect(response?.status).toBe(200);
    expect(response?.headers.get('www-authenticate')).toBeNull();
  });

  it('HEAD gets the GET headers and no body', async () => {
    const get = await at('/.well-known/oauth-protected-resource/mcp');
    const head = await at('/.well-known/oauth-protected-resource/mcp', { method: 'HEAD' });
    expect(head?.status).toBe(200);
    expect(head?.headers.get('content-type')).toBe('application/json');
    expect(head?.headers.get('content-length')).toBe(get?.headers.get('content-length'));
    expect(Number(head?.headers.get('content-length'))).toBe(JSON.stringify(prm).length);
    expect(await head?.text()).toBe('');
  });

  it('answers a CORS preflight with 204, allowing MCP-Protocol-Version', async () => {
    const response = await at('/.well-known/oauth-protected-resource/mcp', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://inspector.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'mcp-protocol-version',
      },
    });
    expect(response?.status).toBe(204);
    expect(response?.headers.get('access-control-allow-origin')).toBe('*');
    expect(response?.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    expect(response?.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('mcp-protocol-version');
    expect(await response?.text()).toBe('');
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s gets 405 with Allow and a JSON error', async (method) => {
    const response = await at('/.well-known/oauth-authorization-server', { method });
    expect(response?.status).toBe(405);
    expect(response?.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect(response?.headers.get('access-control-allow-origin')).toBe('*');
    expect(response?.headers.get('content-type')).toBe('application/json');
    expect(await response?.json()).toMatchObject({ error: 'method_not_allowed' });
  });

  it('answers the documented 404 when no authorization server is configured', async () => {
    asMetadata = undefined;
    const response = await at('/.well-known/oauth-authorization-server');
    expect(response?.status).toBe(404);
    expect(response?.headers.get('content-type')).toBe('application/json');
    expect(response?.headers.get('cache-control')).toBe('no-store');
    expect(await response?.json()).toEqual({
      error: 'not_found',
      error_description: 'OAuth authorization server not configured',
    });
  });

  it('picks up a document that appears later, with its own Cache-Control', async () => {
    asMetadata = { issuer: 'https://as.example.com' };
    const response = await at('/.well-known/oauth-authorization-server');
    expect(response?.status).toBe(200);
    expect(response?.headers.get('cache-control')).toBe('public, max-age=60');
    expect(await response?.json()).toEqual({ issuer: 'https://as.example.com' });
  });

  it.each([
    '/mcp',
    '/',
    '/.well-known/oauth-protected-resource/other',
    '/.well-known/oauth-protected-resource/mcp/',
    '/.well-known/openid-configuration',
  ])('returns undefined for %s so the application handles it', async (path) => {
    expect(await at(path)).toBeUndefined();
    expect(await at(path, { method: 'POST', body: '{}' })).toBeUndefined();
  });

  it('refuses a route path that is not absolute', () => {
    expect(() => createWellKnownResponder([{ path: 'x', kind: 'protected-resource', document: () => prm }])).toThrow(
      TypeError,
    );
  });
});
