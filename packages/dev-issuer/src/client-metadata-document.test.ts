import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, pkcePair, postForm, register } from './__fixtures__/oauth-client.js';
import { isLoopbackDocumentUrl, MAX_DOCUMENT_BYTES } from './client-metadata-document.js';
import { createDevIssuer, type DevIssuer } from './dev-issuer.js';

const RESOURCE = 'http://localhost:8000/mcp';
// Never contacted: the flow stops at the redirect, as a native client catching it would.
const REDIRECT_URI = 'http://127.0.0.1:33418/callback';

/** A client's own web server, publishing its metadata documents (and some broken ones). */
class DocumentServer {
  readonly #server: Server;
  readonly #stalled = new Set<ServerResponse>();
  base = '';
  /** How many times each path was fetched. */
  readonly hits = new Map<string, number>();

  constructor() {
    this.#server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
      const json = (body: unknown) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const client = (extra: Record<string, unknown> = {}) => ({
        client_id: `${this.base}${path}`,
        client_name: 'Metadata document client',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        ...extra,
      });
      switch (path) {
        case '/clients/good.json':
        case '/clients/cached.json':
          return json(client());
        case '/clients/no-auth-method.json': {
          const { token_endpoint_auth_method: _omitted, ...rest } = client();
          return json(rest);
        }
        case '/clients/other-id.json':
          return json(client({ client_id: `${this.base}/clients/good.json` }));
        case '/clients/oversized.json':
          return json(client({ client_name: 'x'.repeat(MAX_DOCUMENT_BYTES) }));
        case '/clients/oversized-chunked.json':
          // No content-length: the limit must hold while reading.
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write(JSON.stringify(client()).slice(0, -1));
          res.write(`, "padding": "${'y'.repeat(MAX_DOCUMENT_BYTES)}"`);
          return res.end('}');
        case '/clients/slow.json':
          // Never answers; the socket is closed when the server stops.
          this.#stalled.add(res);
          return;
        case '/clients/not-json':
          return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>client home page</p>');
        case '/clients/secret.json':
          return json(client({ token_endpoint_auth_method: 'client_secret_basic', client_secret: 'shh' }));
        case '/clients/redirect.json':
          return res.writeHead(302, { location: '/clients/good.json' }).end();
        default:
          return res.writeHead(404).end();
      }
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  close(): Promise<void> {
    for (const res of this.#stalled) res.destroy();
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

function authorizationUrl(issuer: DevIssuer, clientId: string, challenge: string): URL {
  const url = new URL(issuer.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'mcp:tools',
    resource: RESOURCE,
    state: 'state-cimd',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url;
}

/** The error page the issuer shows instead of redirecting to a client it cannot trust. */
async function refusal(issuer: DevIssuer, clientId: string): Promise<{ status: number; html: string }> {
  const response = await new CookieJar().fetch(authorizationUrl(issuer, clientId, pkcePair().challenge));
  return { status: response.status, html: await response.text() };
}

describe('Client ID Metadata Documents', () => {
  let issuer: DevIssuer;
  const documents = new DocumentServer();

  beforeAll(async () => {
    await documents.start();
    issuer = await createDevIssuer({ resource: RESOURCE, user: { id: 'ada', name: 'Ada Lovelace' } });
  });
  afterAll(async () => {
    await issuer?.close();
    await documents.close();
  });

  it('the metadata advertises client_id_metadata_document_supported', async () => {
    const metadata = await (await fetch(`${issuer.url}/.well-known/oauth-authorization-server`)).json();
    expect(metadata.client_id_metadata_document_supported).toBe(true);
    expect(issuer.metadata().client_id_metadata_document_supported).toBe(true);
  });

  it('a client named by its document URL signs in with authorization code + PKCE and gets a token for the resource', async () => {
    const clientId = documents.url('/clients/good.json');
    const { verifier, challenge } = pkcePair();

    // The login page names the client as its document does.
    const browser = new CookieJar();
    const authorize = await browser.fetch(authorizationUrl(issuer, clientId, challenge));
    expect(authorize.status).toBe(303);
    const page = await browser.fetch(new URL(authorize.headers.get('location') as string, issuer.url));
    expect(await page.text()).toContain('Metadata document client');

    const callback = await issuer.completeAuthorization(authorizationUrl(issuer, clientId, challenge));
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('state')).toBe('state-cimd');
    const code = callback.searchParams.get('code') as string;
    expect(code).toBeTruthy();

    // A public client: no secret, the PKCE verifier proves it is the same client.
    const { status, body } = await postForm(issuer.tokenEndpoint, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.scope).toBe('mcp:tools');
    const { payload } = await jwtVerify(body.access_token as string, createRemoteJWKSet(new URL(issuer.jwksUri)), {
      issuer: issuer.issuer,
      audience: RESOURCE,
      algorithms: ['RS256'],
    });
    expect(payload).toMatchObject({ client_id: clientId, sub: 'ada', scope: 'mcp:tools' });

    const refreshed = await postForm(issuer.tokenEndpoint, {
      grant_type: 'refresh_token',
      refresh_token: body.refresh_token as string,
      client_id: clientId,
    });
    expect(refreshed.status).toBe(200);
  });

  it('a document without token_endpoint_auth_method is a public client', async () => {
    const callback = await issuer.completeAuthorization(
      authorizationUrl(issuer, documents.url('/clients/no-auth-method.json'), pkcePair().challenge),
    );
    expect(callback.searchParams.get('code')).toBeTruthy();
  });

  it('the document is fetched once for a whole sign-in, not at every step', async () => {
    const clientId = documents.url('/clients/cached.json');
    const callback = await issuer.completeAuthorization(authorizationUrl(issuer, clientId, pkcePair().challenge));
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(documents.hits.get('/clients/cached.json')).toBe(1);
  });

  it('a redirect_uri the document does not list is refused', async () => {
    const url = authorizationUrl(issuer, documents.url('/clients/good.json'), pkcePair().challenge);
    url.searchParams.set('redirect_uri', 'http://127.0.0.1:33418/elsewhere');
    const response = await new CookieJar().fetch(url);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('redirect_uri');
  });

  it.each([
    ['/clients/other-id.json', 'client_id metadata document names another client_id than its own URL'],
    ['/clients/oversized.json', `client_id metadata document is larger than ${MAX_DOCUMENT_BYTES} bytes`],
    ['/clients/oversized-chunked.json', `client_id metadata document is larger than ${MAX_DOCUMENT_BYTES} bytes`],
    ['/clients/not-json', 'client_id metadata document is not JSON'],
    ['/clients/secret.json', 'client_id metadata document must not contain a client_secret'],
    ['/clients/redirect.json', 'client_id metadata document answered HTTP 302 (redirects are not followed)'],
    ['/clients/missing.json', 'client_id metadata document answered HTTP 404'],
  ])('refuses %s: "%s"', async (path, description) => {
    const { status, html } = await refusal(issuer, documents.url(path));
    expect(status).toBe(400);
    expect(html).toContain('invalid_client');
    expect(html).toContain(description);
  });

  it('refuses a document that does not arrive within 5 s, fetched once for the whole answer', async () => {
    const started = Date.now();
    const { status, html } = await refusal(issuer, documents.url('/clients/slow.json'));
    expect(status).toBe(400);
    expect(html).toContain('client_id metadata document did not arrive within 5 s');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(documents.hits.get('/clients/slow.json')).toBe(1);
  });

  it('the token endpoint refuses a document client as invalid_client too (JSON)', async () => {
    const { status, body } = await postForm(issuer.tokenEndpoint, {
      grant_type: 'authorization_code',
      code: 'not-a-code',
      code_verifier: pkcePair().verifier,
      redirect_uri: REDIRECT_URI,
      client_id: documents.url('/clients/other-id.json'),
    });
    // RFC 6749 §5.2: invalid_client, 400 when the client sent no Authorization header.
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body).toMatchObject({
      error: 'invalid_client',
      error_description: 'client_id metadata document names another client_id than its own URL',
    });
  });

  it('an https document URL on a private address is refused by oidc-provider before any request is made', async () => {
    const { status, html } = await refusal(issuer, 'https://127.0.0.1:9/clients/good.json');
    expect(status).toBe(400);
    expect(html).toContain('invalid_client');
  });

  it('dynamic client registration keeps working beside it', async () => {
    const { status, body } = await register(issuer.registrationEndpoint, {
      client_name: 'Registered client',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    expect(status).toBe(201);
    const callback = await issuer.completeAuthorization(
      authorizationUrl(issuer, body.client_id as string, pkcePair().challenge),
    );
    expect(callback.searchParams.get('code')).toBeTruthy();
  });
});

describe('isLoopbackDocumentUrl', () => {
  it.each([
    ['http://127.0.0.1:3000/client.json', true],
    ['http://localhost:3000/oauth/client', true],
    ['http://[::1]:3000/client.json', true],
    ['http://127.1.2.3/client.json', true],
    ['http://example.com/client.json', false],
    ['https://127.0.0.1/client.json', false],
    ['http://127.0.0.1:3000/', false],
    ['http://127.0.0.1:3000', false],
    ['http://127.0.0.1:3000/client.json#x', false],
    ['http://user@127.0.0.1:3000/client.json', false],
    ['http://127.0.0.1:3000/a/../client.json', false],
    ['http://127.0.0.1:3000/a/%2e%2e/client.json', false],
    ['http://LOCALHOST:3000/client.json', false],
    ['http://localhost.example.com/client.json', false],
    ['not a url', false],
  ])('%s: %s', (url, expected) => {
    expect(isLoopbackDocumentUrl(url)).toBe(expected);
  });
});
