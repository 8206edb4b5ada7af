import { isConfigError, loadConfig } from '@mcp-warden/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchAnswer } from './__fixtures__/fetch-answer.js';
import { type FetchHandler, startTestServer, type TestServer } from './__fixtures__/http-server.js';
import { createMetadataProvider, type MetadataProvider } from './metadata-provider.js';

const PRM = '/.well-known/oauth-protected-resource';
const ASM = '/.well-known/oauth-authorization-server';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(handler?: FetchHandler): Promise<TestServer> {
  const started = await startTestServer(handler);
  cleanups.push(() => started.close());
  return started;
}
async function provider(...args: Parameters<typeof createMetadataProvider>): Promise<MetadataProvider> {
  const created = await createMetadataProvider(...args);
  cleanups.push(() => created.close());
  return created;
}
const request = (path: string) => new Request(`http://127.0.0.1:8000${path}`);
async function get(metadata: MetadataProvider, path: string): Promise<Response> {
  const response = await fetchAnswer(metadata, request(path));
  if (response === undefined) throw new Error(`${path} was not handled`);
  return response;
}

/** What Auth0 publishes at /.well-known/openid-configuration, for a tenant served at `base`. */
function auth0Document(base: string): Record<string, unknown> {
  return {
    issuer: `${base}/`,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/oauth/token`,
    device_authorization_endpoint: `${base}/oauth/device/code`,
    userinfo_endpoint: `${base}/userinfo`,
    mfa_challenge_endpoint: `${base}/mfa/challenge`,
    jwks_uri: `${base}/.well-known/jwks.json`,
    registration_endpoint: `${base}/oidc/register`,
    revocation_endpoint: `${base}/oauth/revoke`,
    scopes_supported: ['openid', 'profile', 'offline_access', 'name', 'email'],
    response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token'],
    code_challenge_methods_supported: ['S256', 'plain'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['public'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    id_token_signing_alg_values_supported: ['HS256', 'RS256', 'PS256'],
    request_uri_parameter_supported: false,
  };
}

/** What Google publishes at /.well-known/openid-configuration, for accounts served at `base`. */
function googleDocument(base: string): Record<string, unknown> {
  return {
    issuer: base,
    authorization_endpoint: `${base}/o/oauth2/v2/auth`,
    device_authorization_endpoint: `${base}/device/code`,
    token_endpoint: `${base}/token`,
    userinfo_endpoint: `${base}/v1/userinfo`,
    revocation_endpoint: `${base}/revoke`,
    jwks_uri: `${base}/oauth2/v3/certs`,
    response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'none'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    code_challenge_methods_supported: ['plain', 'S256'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
  };
}

/** A provider stand-in answering `/.well-known/openid-configuration` with `document`. */
const publishing =
  (document: () => Record<string, unknown>): FetchHandler =>
  (request) =>
    new URL(request.url).pathname === '/.well-known/openid-configuration' ? Response.json(document()) : undefined;

describe('createMetadataProvider: mirroring the provider (RFC 8414 §3 b)', () => {
  it.each([
    ['Auth0', auth0Document, (base: string) => ({ MCP_OAUTH_SERVER_URL: base, MCP_JWT_ISSUER: `${base}/` })],
    [
      'Google',
      googleDocument,
      (base: string) => ({
        MCP_OAUTH_SERVER_URL: base,
        MCP_JWT_ISSUER: base,
        MCP_OAUTH_AUTHORIZATION_ENDPOINT: `${base}/o/oauth2/v2/auth`,
        MCP_OAUTH_TOKEN_ENDPOINT: `${base}/token`,
      }),
    ],
  ])("%s: serves the provider's real document unchanged", async (_name, publish, env) => {
    let served = '';
    const upstream = await server();
    upstream.setHandler((request) => {
      const response = publishing(() => publish(upstream.base))(request);
      if (response) served = JSON.stringify(publish(upstream.base));
      return response;
    });
    const metadata = await provider(
      loadConfig({ ...env(upstream.base), MCP_RESOURCE_URL: 'http://127.0.0.1:8000/mcp' }),
    );

    const response = await get(metadata, ASM);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(await response.text()).toBe(served);

    const prm = await (await get(metadata, `${PRM}/mcp`)).json();
    expect(prm.authorization_servers).toEqual([publish(upstream.base).issuer]);
  });

  it('serves the configured document while the provider is down, then the mirror once it is up', async () => {
    let up = false;
    const upstream = await server();
    upstream.setHandler((request) =>
      up ? publishing(() => auth0Document(upstream.base))(request) : new Response('down', { status: 503 }),
    );
    const metadata = await provider(
      loadConfig({
        MCP_OAUTH_SERVER_URL: upstream.base,
        MCP_JWT_ISSUER: `${upstream.base}/`,
        MCP_RESOURCE_URL: 'http://127.0.0.1:8000/mcp',
      }),
      { retryAfterMs: 20 },
    );

    const fallback = await get(metadata, ASM);
    expect(fallback.status).toBe(200);
    // Awaiting a retry: cached briefly so clients pick up the real document soon.
    expect(fallback.headers.get('cache-control')).toBe('public, max-age=60');
    expect(await fallback.json()).toMatchObject({
      issuer: `${upstream.base}/`,
      token_endpoint: `${upstream.base}/token`,
    });

    up = true;
    await vi.waitFor(async () => {
      expect(await (await get(metadata, ASM)).json()).toEqual(auth0Document(upstream.base));
    });
  });

  it('retries on later requests a bounded number of times, then keeps the configured document', async () => {
    const upstream = await server(() => new Response('down', { status: 503 }));
    const attempts = () => upstream.seen.filter((path) => path === '/.well-known/openid-configuration').length;
    const metadata = await provider(
      loadConfig({ MCP_OAUTH_SERVER_URL: upstream.base, MCP_RESOURCE_URL: 'http://127.0.0.1:8000/mcp' }),
      { retryAfterMs: 5, maxRetries: 2 },
    );
    await vi.waitFor(async () => {
      await get(metadata, ASM);
      expect(attempts()).toBe(3);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await get(metadata, ASM);
    expect(attempts()).toBe(3);

    const response = await get(metadata, ASM);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect((await response.json()).token_endpoint).toBe(`${upstream.base}/token`);
  });

  it('gives up at once when the provider names another issuer, and never mirrors it', async () => {
    const upstream = await server(
      publishing(() => ({ ...auth0Document('https://evil.example'), issuer: 'https://evil.example/' })),
    );
    const metadata = await provider(
      loadConfig({ MCP_OAUTH_SERVER_URL: upstream.base, MCP_RESOURCE_URL: 'http://127.0.0.1:8000/mcp' }),
      { retryAfterMs: 5 },
    );
    const document = await (await get(metadata, ASM)).json();
    expect(document.issuer).toBe(upstream.base);
    expect(document.token_endpoint).toBe(`${upstream.base}/token`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(upstream.seen.filter((path) => path === '/.well-known/openid-configuration')).toHaveLength(1);
  });

  it('answers within the timeout when the provider never answers', async () => {
    const upstream = await server(() => new Promise<Response>(() => {}));
    const warnings: object[] = [];
    const metadata = await provider(
      loadConfig({ MCP_OAUTH_SERVER_URL: upstream.base, MCP_RESOURCE_URL: 'http://127.0.0.1:8000/mcp' }),
      {
        timeoutMs: 100,
        maxRetries: 0,
        logger: { debug() {}, info() {}, error() {}, warn: (obj) => warnings.push(obj) },
      },
    );
    expect((await (await get(metadata, ASM)).json()).issuer).toBe(upstream.base);
    expect(warnings).toEqual([expect.objectContaining({ issuer: upstream.base, reason: 'timeout', willRetry: false })]);
  });

  it('stops retrying on close()', async () => {
    const upstream = await server(() => new Response('down', { status: 503 }));
    const metadata = await createMetadataProvider(
      loadConfig({ MCP_OAUTH_SERVER_URL: upstream.base, MCP_RESOURCE_URL: 'http://127.0.0.1:8000/mcp' }),
      { retryAfterMs: 30 },
    );
    const attempts = () => upstream.seen.filter((path) => path === '/.well-known/openid-configuration').length;
    await get(metadata, ASM);
    expect(attempts()).toBe(1);
    metadata.close();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await get(metadata, ASM)).status).toBe(200);
    expect(attempts()).toBe(1);
  });

  it('never contacts the provider with discover: false', async () => {
    const upstream = await server(publishing(() => auth0Document(upstream.base)));
    const metadata = await provider(
      loadConfig({ MCP_OAUTH_SERVER_URL: upstream.base, MCP_RESOURCE_URL: 'http://127.0.0.1:8000/mcp' }),
      { discover: false },
    );
    expect((await (await get(metadata, ASM)).json()).token_endpoint).toBe(`${upstream.base}/token`);
    expect(upstream.seen).toEqual([]);
  });

  it('serves given upstream metadata as is, without fetching', async () => {
    const devIssuer = {
      issuer: 'http://localhost:8000/oidc',
      authorization_endpoint: 'http://localhost:8000/oidc/auth',
      token_endpoint: 'http://localhost:8000/oidc/token',
      response_types_supported: ['code'],
    };
    const metadata = await provider(loadConfig({}), { upstream: devIssuer });
    expect(await (await get(metadata, ASM)).json()).toEqual(devIssuer);
    expect((await (await get(metadata, `${PRM}/mcp`)).json()).authorization_servers).toEqual([
      'http://localhost:8000/oidc',
    ]);
  });
});

describe('createMetadataProvider: no I/O until a request (docs/deploying.md, "Cloudflare Workers")', () => {
  const env = (base: string) =>
    loadConfig({
      MCP_OAUTH_SERVER_URL: base,
      MCP_JWT_ISSUER: `${base}/`,
      MCP_RESOURCE_URL: 'http://127.0.0.1:8000/mcp',
    });

  it('fetches nothing at construction; the first request for the document fetches it and is answered with it', async () => {
    const upstream = await server();
    upstream.setHandler(publishing(() => auth0Document(upstream.base)));
    const metadata = await provider(env(upstream.base));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(upstream.seen).toEqual([]);
    // The protected-resource metadata never waits for the provider.
    expect(metadata.prepare(`${PRM}/mcp`)).toBeUndefined();
    expect((await get(metadata, `${PRM}/mcp`)).status).toBe(200);
    expect(upstream.seen).toEqual([]);
    expect(await (await get(metadata, ASM)).json()).toEqual(auth0Document(upstream.base));
    expect(upstream.seen).toEqual(['/.well-known/openid-configuration']);
    expect(metadata.prepare(ASM)).toBeUndefined(); // mirrored: nothing left to wait for
  });

  it('hands the fetch to waitUntil, once for concurrent requests', async () => {
    const upstream = await server();
    upstream.setHandler(publishing(() => auth0Document(upstream.base)));
    const metadata = await provider(env(upstream.base));
    const handed: Promise<unknown>[] = [];
    const waitUntil = (promise: Promise<unknown>) => handed.push(promise);
    await Promise.all([metadata.prepare(ASM, waitUntil), metadata.prepare(ASM, waitUntil)]);
    expect(handed).toHaveLength(1);
    expect(upstream.seen).toEqual(['/.well-known/openid-configuration']);
    expect(JSON.parse(metadata.respond('GET', ASM)!.body!)).toEqual(auth0Document(upstream.base));
  });

  it('respond() alone starts the fetch: a later request gets the mirrored document', async () => {
    const upstream = await server();
    upstream.setHandler(publishing(() => auth0Document(upstream.base)));
    const metadata = await provider(env(upstream.base));
    expect(JSON.parse(metadata.respond('GET', ASM)!.body!).token_endpoint).toBe(`${upstream.base}/token`);
    await vi.waitFor(() =>
      expect(JSON.parse(metadata.respond('GET', ASM)!.body!)).toEqual(auth0Document(upstream.base)),
    );
  });

  it('abandons a fetch lost with its request and fetches again on a later one', async () => {
    const upstream = await server();
    upstream.setHandler(publishing(() => auth0Document(upstream.base)));
    // A fetch that never settles and ignores its abort signal: what a runtime that stops a
    // finished request's work leaves behind.
    let dropping = true;
    const fetchThatMayBeDropped: typeof fetch = (input, init) =>
      dropping ? new Promise<Response>(() => {}) : fetch(input, init);
    const metadata = await provider(env(upstream.base), {
      timeoutMs: 1000,
      retryAfterMs: 50,
      fetch: fetchThatMayBeDropped,
    });
    // The waiting request is answered with the configured document once the budget is spent.
    expect((await (await get(metadata, ASM)).json()).token_endpoint).toBe(`${upstream.base}/token`);
    dropping = false;
    await vi.waitFor(
      async () => expect(await (await get(metadata, ASM)).json()).toEqual(auth0Document(upstream.base)),
      {
        timeout: 10_000,
        interval: 100,
      },
    );
  });
});

describe('createMetadataProvider: routes (RFC 9728 §3.1; RFC 8414 §3 c)', () => {
  it('serves the protected-resource metadata at the path-inserted and root paths', async () => {
    const metadata = await provider(
      loadConfig({ MCP_JWT_ISSUER: 'https://as.example.com', MCP_RESOURCE_URL: 'https://mcp.example.com/mcp' }),
      { discover: false },
    );
    expect(metadata.paths).toEqual([`${PRM}/mcp`, PRM, ASM]);
    for (const path of [`${PRM}/mcp`, PRM]) {
      const response = await get(metadata, path);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=300');
      expect(await response.json()).toEqual({
        resource: 'https://mcp.example.com/mcp',
        authorization_servers: ['https://as.example.com'],
        bearer_methods_supported: ['header'],
        dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'RS256', 'PS256'],
      });
    }
    expect(metadata.respond('GET', '/mcp')).toBeUndefined();
    expect(metadata.respond('HEAD', PRM)).toMatchObject({ status: 200, body: null });
  });

  it('lists every trusted issuer, and mirrors the primary one', async () => {
    const metadata = await provider(
      loadConfig({
        MCP_JWT_ISSUER: 'https://as.example.com',
        MCP_OAUTH_SERVER_URL: 'https://as.example.com',
        MCP_TRUSTED_ISSUERS: 'https://second.example.com/',
        MCP_RESOURCE_URL: 'https://mcp.example.com/mcp',
      }),
      { discover: false },
    );
    expect((await (await get(metadata, PRM)).json()).authorization_servers).toEqual([
      'https://as.example.com',
      'https://second.example.com/',
    ]);
    expect((await (await get(metadata, ASM)).json()).issuer).toBe('https://as.example.com');
  });

  it('answers the documented 404 when no authorization server is configured', async () => {
    const metadata = await provider(loadConfig({ MCP_API_KEYS: 'dev-key-123' }));
    const response = await get(metadata, ASM);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: 'not_found',
      error_description: 'OAuth authorization server not configured',
    });
    expect((await get(metadata, PRM)).status).toBe(200);
  });
});

describe('createMetadataProvider: start-up validation', () => {
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => e,
    );

  it.each([
    ['a plain-http resource off loopback', { resourceUrl: 'http://mcp.example.com/mcp' }, 'resourceUrl'],
    ['a plain-http issuer off loopback', { jwtIssuer: 'http://as.example.com' }, 'jwtIssuer'],
    ['a relative resource', { resourceUrl: '/mcp' }, 'resourceUrl'],
  ])('rejects %s with a ConfigError naming it', async (_name, override, variable) => {
    const config = { ...loadConfig({ MCP_RESOURCE_URL: 'https://mcp.example.com/mcp' }), ...override };
    const error = await failure(createMetadataProvider(config, { discover: false }));
    expect(isConfigError(error)).toBe(true);
    expect(isConfigError(error) && error.issues.map((issue) => issue.variable)).toEqual([variable]);
  });

  it('lists every problem at once, including an upstream issuer over plain http off loopback', async () => {
    const error = await failure(
      createMetadataProvider(
        { resourceUrl: 'http://mcp.example.com/mcp' },
        { upstream: { issuer: 'http://as.example.com' } },
      ),
    );
    expect(isConfigError(error) && error.issues.map((issue) => issue.variable)).toEqual([
      'resourceUrl',
      'upstream.issuer',
    ]);
  });

  it('accepts programmatic options the way defineConfig does', async () => {
    const metadata = await provider(
      { resourceUrl: 'https://mcp.example.com/api/mcp', jwtIssuer: 'https://as.example.com/' },
      { discover: false },
    );
    const document = await (await get(metadata, `${PRM}/api/mcp`)).json();
    expect(document).toMatchObject({
      resource: 'https://mcp.example.com/api/mcp',
      authorization_servers: ['https://as.example.com/'],
    });
  });

  it('accepts plain http anywhere with MCP_ALLOW_INSECURE_HTTP', async () => {
    const config = loadConfig({
      MCP_ALLOW_INSECURE_HTTP: 'true',
      MCP_RESOURCE_URL: 'http://mcp.internal/mcp',
      MCP_JWT_ISSUER: 'http://as.internal',
    });
    const metadata = await provider(config, { discover: false });
    expect((await get(metadata, `${PRM}/mcp`)).status).toBe(200);
  });

  it.each([
    [{ timeoutMs: 0 }],
    [{ retryAfterMs: -1 }],
    [{ maxRetries: 1.5 }],
    [{ upstream: { authorization_endpoint: 'https://as.example.com/authorize' } }],
  ])('rejects unusable options %j with a TypeError', async (options) => {
    await expect(createMetadataProvider(loadConfig({}), options)).rejects.toThrow(TypeError);
  });
});

describe('createMetadataProvider: loopback resources', () => {
  it('names a loopback resource in the spelling of the Host header the client sent', async () => {
    const metadata = await provider(loadConfig({ MCP_JWT_ISSUER: 'http://127.0.0.1:8001' }), { discover: false });
    const resourceFor = (host?: string) => JSON.parse(metadata.respond('GET', `${PRM}/mcp`, host)!.body!).resource;
    expect(resourceFor('127.0.0.1:8000')).toBe('http://127.0.0.1:8000/mcp');
    expect(resourceFor('[::1]:8000')).toBe('http://[::1]:8000/mcp');
    expect(resourceFor('localhost:8000')).toBe('http://localhost:8000/mcp');
    for (const host of [undefined, 'evil.example:8000', '127.0.0.1:9000']) {
      expect(resourceFor(host)).toBe('http://localhost:8000/mcp');
    }
    // A Fetch-API server passes on the Host header it received.
    const response = await fetchAnswer(metadata, new Request(`http://127.0.0.1:8000${PRM}`));
    expect((await response!.json()).resource).toBe('http://127.0.0.1:8000/mcp');
  });

  it('never lets the Host header shape the document of a public resource', async () => {
    const metadata = await provider(
      loadConfig({ MCP_JWT_ISSUER: 'https://as.example.com', MCP_RESOURCE_URL: 'https://mcp.example.com/mcp' }),
      { discover: false },
    );
    for (const host of ['127.0.0.1:8000', 'localhost', 'evil.example', undefined]) {
      expect(JSON.parse(metadata.respond('GET', PRM, host)!.body!).resource).toBe('https://mcp.example.com/mcp');
    }
    const response = await fetchAnswer(metadata, new Request(`http://evil.example${PRM}`));
    expect((await response!.json()).resource).toBe('https://mcp.example.com/mcp');
  });
});
