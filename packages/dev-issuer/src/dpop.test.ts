// RFC 9449: the development issuer binds tokens requested with a DPoP proof to the proof's key,
// for client credentials and the authorization code flow, in JWT and opaque formats.
import { randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  createRemoteJWKSet,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveAuthorization, pkcePair, postForm, register } from './__fixtures__/oauth-client.js';
import { createDevIssuer, type DevIssuer } from './dev-issuer.js';

const RESOURCE = 'http://localhost:8000/mcp';
const REDIRECT_URI = 'http://127.0.0.1:33418/callback';

interface ClientKey {
  privateKey: CryptoKey;
  jwk: JWK;
  jkt: string;
}

async function clientKey(alg = 'ES256'): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

/** A proof for a token request (RFC 9449 §4.2: no `ath` at the token endpoint). */
function tokenRequestProof(key: ClientKey, tokenEndpoint: string, alg = 'ES256'): Promise<string> {
  return new SignJWT({ jti: randomUUID(), htm: 'POST', htu: tokenEndpoint, iat: Math.floor(Date.now() / 1000) })
    .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: key.jwk })
    .sign(key.privateKey);
}

describe('DPoP-bound tokens from the development issuer (RFC 9449 §5, §6)', () => {
  let issuer: DevIssuer;
  let key: ClientKey;

  beforeAll(async () => {
    issuer = await createDevIssuer({ resource: RESOURCE });
    key = await clientKey();
  });
  afterAll(() => issuer.close());

  async function verify(token: string) {
    return jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)), {
      issuer: issuer.issuer,
      audience: RESOURCE,
      typ: 'at+jwt',
    });
  }

  it('client credentials with a proof: token_type DPoP, cnf.jkt of the proof key in the at+jwt', async () => {
    const { status, body } = await postForm(
      issuer.tokenEndpoint,
      { grant_type: 'client_credentials', resource: RESOURCE, scope: 'mcp:tools' },
      issuer.devClient,
      { DPoP: await tokenRequestProof(key, issuer.tokenEndpoint) },
    );
    expect(status).toBe(200);
    expect(body.token_type).toBe('DPoP');
    const { payload } = await verify(body.access_token as string);
    expect(payload.cnf).toEqual({ jkt: key.jkt });
    expect(payload.scope).toBe('mcp:tools');
  });

  it('client credentials without a proof: a Bearer token, unbound, as before', async () => {
    const { body } = await postForm(
      issuer.tokenEndpoint,
      { grant_type: 'client_credentials', resource: RESOURCE },
      issuer.devClient,
    );
    expect(body.token_type).toBe('Bearer');
    expect((await verify(body.access_token as string)).payload).not.toHaveProperty('cnf');
  });

  it.each(['EdDSA', 'RS256', 'PS256'])('accepts %s proofs, as it advertises', async (alg) => {
    const other = await clientKey(alg);
    const { status, body } = await postForm(
      issuer.tokenEndpoint,
      { grant_type: 'client_credentials', resource: RESOURCE },
      issuer.devClient,
      { DPoP: await tokenRequestProof(other, issuer.tokenEndpoint, alg) },
    );
    expect([status, body.token_type]).toEqual([200, 'DPoP']);
    expect(decodeJwt(body.access_token as string).cnf).toEqual({ jkt: other.jkt });
  });

  it('refuses a proof for another URL with invalid_dpop_proof', async () => {
    const { status, body } = await postForm(
      issuer.tokenEndpoint,
      { grant_type: 'client_credentials', resource: RESOURCE },
      issuer.devClient,
      { DPoP: await tokenRequestProof(key, `${issuer.url}/elsewhere`) },
    );
    expect([status, body.error]).toEqual([400, 'invalid_dpop_proof']);
  });

  it('authorization code with a proof: a bound access token, and a refresh bound to the same key', async () => {
    const { body: client } = await register(issuer.registrationEndpoint, {
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    const clientId = client.client_id as string;
    const { verifier, challenge } = pkcePair();
    const url = new URL(issuer.authorizationEndpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      scope: 'mcp:tools',
      resource: RESOURCE,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const code = (await approveAuthorization(issuer.url, url)).searchParams.get('code') as string;
    expect(code).toBeTruthy();

    const { status, body } = await postForm(
      issuer.tokenEndpoint,
      {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
        client_id: clientId,
        resource: RESOURCE,
      },
      undefined,
      { DPoP: await tokenRequestProof(key, issuer.tokenEndpoint) },
    );
    expect(status).toBe(200);
    expect(body.token_type).toBe('DPoP');
    const { payload } = await verify(body.access_token as string);
    expect(payload).toMatchObject({ cnf: { jkt: key.jkt }, sub: 'dev-user', scope: 'mcp:tools' });

    // RFC 9449 §5: a public client's refresh token is bound too; refreshing needs the same key.
    const refresh = { grant_type: 'refresh_token', refresh_token: body.refresh_token as string, client_id: clientId };
    const thief = await clientKey();
    const stolen = await postForm(issuer.tokenEndpoint, refresh, undefined, {
      DPoP: await tokenRequestProof(thief, issuer.tokenEndpoint),
    });
    expect(stolen.status).toBe(400);
    const refreshed = await postForm(issuer.tokenEndpoint, refresh, undefined, {
      DPoP: await tokenRequestProof(key, issuer.tokenEndpoint),
    });
    expect([refreshed.status, refreshed.body.token_type]).toEqual([200, 'DPoP']);
    expect(decodeJwt(refreshed.body.access_token as string).cnf).toEqual({ jkt: key.jkt });
  });
});

describe('DPoP-bound opaque tokens: introspection tells the binding (RFC 9449 §6.2)', () => {
  let issuer: DevIssuer;
  const resourceServer = { clientId: 'mcp-server', clientSecret: 'mcp-server-secret' };

  beforeAll(async () => {
    issuer = await createDevIssuer({
      resource: RESOURCE,
      accessTokenFormat: 'opaque',
      clients: [{ ...resourceServer, grantTypes: ['client_credentials'] }],
    });
  });
  afterAll(() => issuer.close());

  it('answers token_type DPoP and cnf.jkt', async () => {
    const key = await clientKey();
    const { body } = await postForm(
      issuer.tokenEndpoint,
      { grant_type: 'client_credentials', resource: RESOURCE },
      issuer.devClient,
      { DPoP: await tokenRequestProof(key, issuer.tokenEndpoint) },
    );
    expect(body.token_type).toBe('DPoP');
    const introspected = await postForm(
      issuer.introspectionEndpoint,
      { token: body.access_token as string, token_type_hint: 'access_token' },
      resourceServer,
    );
    expect(introspected.body).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: key.jkt }, aud: RESOURCE });
  });
});
