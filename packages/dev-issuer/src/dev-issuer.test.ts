import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { postForm, register } from './__fixtures__/oauth-client.js';
import { createDevIssuer, type DevIssuer } from './dev-issuer.js';
import { DevIssuerOptionsError } from './options.js';
import { DevIssuerTokenError } from './token-request.js';

const RESOURCE = 'http://localhost:8000/mcp';
const OTHER_RESOURCE = 'http://127.0.0.1:9999/other';

async function jwks(issuer: DevIssuer): Promise<JSONWebKeySet> {
  const response = await fetch(issuer.jwksUri);
  expect(response.status).toBe(200);
  return (await response.json()) as JSONWebKeySet;
}

async function verify(issuer: DevIssuer, token: string, audience = RESOURCE) {
  return jwtVerify(token, createLocalJWKSet(await jwks(issuer)), {
    issuer: issuer.issuer,
    audience,
    typ: 'at+jwt',
    algorithms: ['RS256'],
  });
}

describe('a running dev issuer', () => {
  let issuer: DevIssuer;

  beforeAll(async () => {
    issuer = await createDevIssuer({ resource: [RESOURCE, OTHER_RESOURCE], accessTokenTtl: 600 });
  });
  afterAll(() => issuer.close());

  it('listens on a random loopback port and uses that origin as its issuer', () => {
    expect(issuer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(issuer.issuer).toBe(issuer.url);
    expect(issuer.tokenEndpoint).toBe(`${issuer.issuer}/token`);
    expect(issuer.resource).toBe(RESOURCE);
  });

  it('serves the same RFC 8414 metadata at both well-known paths, with its exact issuer', async () => {
    const oauth = await fetch(`${issuer.url}/.well-known/oauth-authorization-server`);
    const openid = await fetch(`${issuer.url}/.well-known/openid-configuration`);
    expect(oauth.status).toBe(200);
    expect(oauth.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await oauth.json()) as Record<string, unknown>;
    expect(body).toEqual(await openid.json());
    expect(body).toEqual(issuer.metadata());
    expect(body.issuer).toBe(issuer.issuer);
    expect(body.code_challenge_methods_supported).toEqual(['S256']);
    expect(body.response_types_supported).toEqual(['code']);
    expect(body.scopes_supported).toEqual(expect.arrayContaining(['mcp:tools', 'mcp:admin']));
    expect(body.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
    );
    expect(body.registration_endpoint).toBe(issuer.registrationEndpoint);
    expect(body.introspection_endpoint).toBe(issuer.introspectionEndpoint);
    expect(body.jwks_uri).toBe(issuer.jwksUri);
    // RFC 9449 §5.1: DPoP offered with the algorithms mcp-warden accepts by default.
    expect(body.dpop_signing_alg_values_supported).toEqual(['ES256', 'EdDSA', 'RS256', 'PS256']);
  });

  it('issues client credentials JWTs (typ at+jwt) for the resource with the scopes and client_id', async () => {
    const token = await issuer.clientCredentialsToken();
    const { payload, protectedHeader } = await verify(issuer, token);
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.iss).toBe(issuer.issuer);
    expect(payload.aud).toBe(RESOURCE);
    expect(payload.scope).toBe('mcp:tools mcp:admin');
    expect(payload.client_id).toBe(issuer.devClient.clientId);
    expect(payload.sub).toBe(issuer.devClient.clientId);
    expect((payload.exp as number) - (payload.iat as number)).toBe(600);
  });

  it('grants only the scopes asked for, and the resource asked for', async () => {
    const token = await issuer.clientCredentialsToken({ scope: 'mcp:tools', resource: OTHER_RESOURCE });
    const { payload } = await verify(issuer, token, OTHER_RESOURCE);
    expect(payload.scope).toBe('mcp:tools');
    expect(payload.aud).toBe(OTHER_RESOURCE);
  });

  it('treats a trailing slash on the resource as the same resource and keeps the configured form in aud', async () => {
    const token = await issuer.clientCredentialsToken({ resource: `${RESOURCE}/` });
    const { payload } = await verify(issuer, token);
    expect(payload.aud).toBe(RESOURCE);
  });

  it('answers the token endpoint by HTTP as any client sees it (curl-style Basic auth)', async () => {
    const { status, body } = await postForm(
      issuer.tokenEndpoint,
      { grant_type: 'client_credentials', scope: 'mcp:admin', resource: RESOURCE },
      issuer.devClient,
    );
    expect(status).toBe(200);
    expect(body.token_type).toBe('Bearer');
    expect(body.scope).toBe('mcp:admin');
    expect(body.expires_in).toBe(600);
  });

  it('refuses an unknown scope with invalid_scope', async () => {
    const { status, body } = await postForm(
      issuer.tokenEndpoint,
      { grant_type: 'client_credentials', scope: 'mcp:tools mcp:everything', resource: RESOURCE },
      issuer.devClient,
    );
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_scope');
    expect(body.error_description).toContain('mcp:everything');
    await expect(issuer.clientCredentialsToken({ scope: 'mcp:tool' })).rejects.toMatchObject({
      name: 'DevIssuerTokenError',
      status: 400,
      error: 'invalid_scope',
    });
  });

  it('refuses a resource it does not serve with invalid_target', async () => {
    const { status, body } = await postForm(
      issuer.tokenEndpoint,
      { grant_type: 'client_credentials', scope: 'mcp:tools', resource: 'https://evil.example/mcp' },
      issuer.devClient,
    );
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_target');
    expect(JSON.stringify(body)).not.toContain(issuer.devClient.clientSecret);
  });

  it('refuses a wrong client secret with invalid_client and never echoes it', async () => {
    const error = await issuer
      .clientCredentialsToken({ clientSecret: 'not-the-secret' })
      .catch((caught: unknown) => caught as DevIssuerTokenError);
    expect(error).toBeInstanceOf(DevIssuerTokenError);
    expect((error as DevIssuerTokenError).status).toBe(401);
    expect((error as DevIssuerTokenError).error).toBe('invalid_client');
    expect((error as Error).message).not.toContain('not-the-secret');
  });

  it('lets browser-based clients (MCP Inspector) call the token endpoint cross-origin', async () => {
    const origin = 'http://localhost:6274';
    const preflight = await fetch(issuer.tokenEndpoint, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    const response = await fetch(issuer.tokenEndpoint, {
      method: 'POST',
      headers: {
        origin,
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${issuer.devClient.clientId}:${issuer.devClient.clientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
  });

  it('answers unknown endpoints with a JSON 404', async () => {
    const response = await fetch(`${issuer.url}/no-such-endpoint`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: 'not_found',
      error_description: 'no such endpoint: GET /no-such-endpoint',
    });
  });

  it('registers client_credentials clients dynamically (RFC 7591) without redirect URIs', async () => {
    const { status, body } = await register(issuer.registrationEndpoint, {
      client_name: 'a service',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      software_id: 'test-suite',
    });
    expect(status).toBe(201);
    expect(body.grant_types).toEqual(['client_credentials']);
    expect(body.response_types).toEqual([]);
    expect(body.software_id).toBe('test-suite');
    const clientId = body.client_id as string;
    const clientSecret = body.client_secret as string;
    const token = await issuer.clientCredentialsToken({ clientId, clientSecret, scope: 'mcp:tools' });
    const { payload } = await verify(issuer, token);
    expect(payload.client_id).toBe(clientId);
    expect(payload.scope).toBe('mcp:tools');
  });

  it('refuses registration metadata it cannot honour with invalid_client_metadata (400 JSON)', async () => {
    const { status, body } = await register(issuer.registrationEndpoint, {
      grant_types: ['authorization_code'],
      redirect_uris: ['not a url'],
    });
    expect(status).toBe(400);
    expect(body.error).toMatch(/^invalid_(client_metadata|redirect_uri)$/);
  });
});

describe('key rotation', () => {
  let issuer: DevIssuer;

  beforeAll(async () => {
    issuer = await createDevIssuer({ resource: RESOURCE });
  });
  afterAll(() => issuer.close());

  it('signs new tokens with a new key listed first, and keeps the old key for tokens already issued', async () => {
    const before = await issuer.clientCredentialsToken();
    const oldKid = decodeProtectedHeader(before).kid;
    expect((await jwks(issuer)).keys.map((key) => key.kid)).toEqual([oldKid]);

    await issuer.rotateKeys();

    const after = await issuer.clientCredentialsToken();
    const newKid = decodeProtectedHeader(after).kid;
    expect(newKid).toBeDefined();
    expect(newKid).not.toBe(oldKid);
    const published = await jwks(issuer);
    expect(published.keys.map((key) => key.kid)).toEqual([newKid, oldKid]);
    // Only public parts are published.
    for (const key of published.keys) expect(key).not.toHaveProperty('d');

    await expect(verify(issuer, after)).resolves.toBeDefined();
    await expect(verify(issuer, before)).resolves.toBeDefined();
  });

  it('drops the old keys on request, so tokens they signed stop verifying', async () => {
    const before = await issuer.clientCredentialsToken();
    await issuer.rotateKeys({ dropOld: true });
    const after = await issuer.clientCredentialsToken();
    const published = await jwks(issuer);
    expect(published.keys.map((key) => key.kid)).toEqual([decodeProtectedHeader(after).kid]);
    await expect(verify(issuer, after)).resolves.toBeDefined();
    await expect(verify(issuer, before)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('keeps dynamically registered clients across a rotation', async () => {
    const { body } = await register(issuer.registrationEndpoint, { grant_types: ['client_credentials'] });
    await issuer.rotateKeys();
    const token = await issuer.clientCredentialsToken({
      clientId: body.client_id as string,
      clientSecret: body.client_secret as string,
    });
    expect((await verify(issuer, token)).payload.client_id).toBe(body.client_id);
  });
});

describe('options', () => {
  it('lists every problem at once', async () => {
    const error = await createDevIssuer({
      port: -1,
      issuer: 'http://localhost:9000/oauth',
      resource: 'not a url',
      scopes: ['mcp:tools', 'bad scope', 'openid'],
      accessTokenTtl: 0,
      // @ts-expect-error: a value outside the union, as JavaScript callers may pass
      accessTokenFormat: 'paseto',
      clients: [{ clientId: 'svc', grantTypes: ['client_credentials'] }],
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DevIssuerOptionsError);
    const { problems } = error as DevIssuerOptionsError;
    expect(problems).toEqual([
      'port must be an integer from 0 to 65535',
      'issuer must be an origin such as http://localhost:9000 (no path, query or fragment)',
      'resource "not a url" must be an absolute http(s) URL',
      'scope "bad scope" is not a valid scope token (RFC 6749 §3.3)',
      'scope "openid" is an OpenID Connect scope the issuer already handles; remove it',
      'accessTokenTtl must be a positive integer (seconds)',
      'accessTokenFormat must be "jwt" or "opaque"',
      'clients[0] uses client_credentials and needs a clientSecret',
    ]);
    expect((error as Error).message).toContain('port must be an integer');
  });

  it('reports a port already in use clearly', async () => {
    const first = await createDevIssuer();
    try {
      const port = Number(new URL(first.url).port);
      await expect(createDevIssuer({ port })).rejects.toThrow(
        `dev-issuer could not listen on 127.0.0.1:${port}: EADDRINUSE`,
      );
    } finally {
      await first.close();
    }
  });

  it('uses a configured issuer string exactly, while listening on the given host', async () => {
    const probe = await createDevIssuer();
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const issuer = await createDevIssuer({ port, issuer: `http://localhost:${port}` });
    try {
      expect(issuer.issuer).toBe(`http://localhost:${port}`);
      expect(issuer.metadata().issuer).toBe(`http://localhost:${port}`);
      const token = await issuer.clientCredentialsToken();
      expect((await verify(issuer, token)).payload.iss).toBe(`http://localhost:${port}`);
    } finally {
      await issuer.close();
    }
  });

  it('serves pre-registered clients, including client_secret_post ones', async () => {
    const issuer = await createDevIssuer({
      clients: [
        {
          clientId: 'resource-server',
          clientSecret: 'resource-server-secret',
          grantTypes: ['client_credentials'],
          scope: 'mcp:tools',
          tokenEndpointAuthMethod: 'client_secret_post',
        },
      ],
    });
    try {
      const token = await issuer.clientCredentialsToken({ clientId: 'resource-server', scope: 'mcp:tools' });
      expect((await verify(issuer, token)).payload.client_id).toBe('resource-server');
      // Without a scope parameter the client gets its registered scope (RFC 6749 §3.3 default).
      const byDefault = await issuer.clientCredentialsToken({ clientId: 'resource-server' });
      expect((await verify(issuer, byDefault)).payload.scope).toBe('mcp:tools');
      // The client's registered scope bounds what it may ask for.
      await expect(
        issuer.clientCredentialsToken({ clientId: 'resource-server', scope: 'mcp:admin' }),
      ).rejects.toMatchObject({
        error: 'invalid_scope',
      });
    } finally {
      await issuer.close();
    }
  });
});

describe('output', () => {
  it('prints nothing of its own: oidc-provider notices go to the logger', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => {}),
    );
    const messages: string[] = [];
    const logger = {
      debug: (_fields: Record<string, unknown>, message: string) => messages.push(message),
      info: (_fields: Record<string, unknown>, message: string) => messages.push(message),
    };
    try {
      const issuer = await createDevIssuer({ logger });
      await issuer.clientCredentialsToken();
      await issuer.clientCredentialsToken({ scope: 'nope' }).catch(() => {});
      await fetch(`${issuer.url}/token`, { method: 'OPTIONS', headers: { origin: 'http://localhost:6274' } });
      await issuer.rotateKeys();
      await issuer.close();
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
      expect(messages).toContain('development issuer started (not for production)');
      expect(messages).toContain('request refused');
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('stops answering after close()', async () => {
    const issuer = await createDevIssuer();
    await issuer.close();
    await issuer.close();
    await expect(fetch(issuer.jwksUri)).rejects.toThrow();
  });
});
