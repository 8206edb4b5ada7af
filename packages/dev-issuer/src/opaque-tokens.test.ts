import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pkcePair, postForm, register } from './__fixtures__/oauth-client.js';
import { createDevIssuer, type DevIssuer } from './dev-issuer.js';

const RESOURCE = 'http://localhost:8000/mcp';
const REDIRECT_URI = 'http://127.0.0.1:33418/callback';

describe('opaque access tokens and introspection (RFC 7662)', () => {
  let issuer: DevIssuer;
  const handled: { route?: unknown; status?: unknown }[] = [];
  // The credentials a resource server would hold to call the introspection endpoint.
  const resourceServer = { clientId: 'mcp-server', clientSecret: 'mcp-server-secret' };

  beforeAll(async () => {
    issuer = await createDevIssuer({
      resource: RESOURCE,
      accessTokenFormat: 'opaque',
      accessTokenTtl: 900,
      clients: [{ ...resourceServer, grantTypes: ['client_credentials'] }],
      logger: {
        debug: (fields, message) => {
          if (message === 'request handled') handled.push(fields);
        },
      },
    });
  });
  afterAll(() => issuer.close());

  it('issues tokens that are not JWTs', async () => {
    const token = await issuer.clientCredentialsToken({ scope: 'mcp:tools' });
    expect(token.split('.')).toHaveLength(1);
    expect(() => decodeJwt(token)).toThrow();
  });

  it('introspects a client credentials token as active, with scope, aud, exp, client_id and sub', async () => {
    const token = await issuer.clientCredentialsToken({ scope: 'mcp:tools' });
    const { status, body } = await postForm(
      issuer.introspectionEndpoint,
      { token, token_type_hint: 'access_token' },
      resourceServer,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      active: true,
      scope: 'mcp:tools',
      aud: RESOURCE,
      client_id: issuer.devClient.clientId,
      sub: issuer.devClient.clientId,
      iss: issuer.issuer,
      token_type: 'Bearer',
    });
    expect((body.exp as number) - (body.iat as number)).toBe(900);
  });

  it('introspects a token from the authorization code flow with the user as sub', async () => {
    const { body: client } = await register(issuer.registrationEndpoint, {
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
    });
    const { verifier, challenge } = pkcePair();
    const url = new URL(issuer.authorizationEndpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id as string,
      redirect_uri: REDIRECT_URI,
      scope: 'mcp:tools mcp:admin',
      resource: RESOURCE,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const callback = await issuer.completeAuthorization(url);
    const tokens = await postForm(issuer.tokenEndpoint, {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') as string,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
      client_id: client.client_id as string,
    });
    expect(tokens.status).toBe(200);
    const { body } = await postForm(
      issuer.introspectionEndpoint,
      { token: tokens.body.access_token as string },
      resourceServer,
    );
    expect(body).toMatchObject({
      active: true,
      sub: 'dev-user',
      client_id: client.client_id,
      aud: RESOURCE,
      scope: 'mcp:tools mcp:admin',
    });
  });

  it('logs each introspection request at debug level, so a test can count them', async () => {
    const token = await issuer.clientCredentialsToken();
    const before = handled.filter((entry) => entry.route === 'introspection').length;
    await Promise.all([1, 2, 3].map(() => postForm(issuer.introspectionEndpoint, { token }, resourceServer)));
    const after = handled.filter((entry) => entry.route === 'introspection');
    expect(after.length - before).toBe(3);
    expect(after.at(-1)).toMatchObject({ method: 'POST', path: '/token/introspection', status: 200 });
  });

  it('reports unknown and revoked tokens as inactive', async () => {
    const unknown = await postForm(issuer.introspectionEndpoint, { token: 'not-a-token' }, resourceServer);
    expect(unknown.body).toEqual({ active: false });

    const token = await issuer.clientCredentialsToken();
    const revoked = await postForm(issuer.revocationEndpoint, { token }, issuer.devClient);
    expect(revoked.status).toBe(200);
    const after = await postForm(issuer.introspectionEndpoint, { token }, resourceServer);
    expect(after.body).toEqual({ active: false });
  });

  it('requires client authentication at the introspection endpoint', async () => {
    const token = await issuer.clientCredentialsToken();
    const anonymous = await postForm(issuer.introspectionEndpoint, { token });
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.error).toBe('invalid_request');
    const wrong = await postForm(
      issuer.introspectionEndpoint,
      { token },
      { clientId: resourceServer.clientId, clientSecret: 'wrong' },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    expect(JSON.stringify(wrong.body)).not.toContain(token);
  });
});
