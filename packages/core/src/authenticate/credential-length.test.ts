// A credential longer than MAX_CREDENTIAL_LENGTH is refused without verifying, even when
// it is a correctly signed token, and never reaches the introspection endpoint.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mint, RESOURCE, type TestKeyPair, testKeyPair } from '../__fixtures__/signing-keys.js';
import type { Authenticator } from './authenticator-types.js';
import { createAuthenticator } from './create-authenticator.js';
import { MAX_CREDENTIAL_LENGTH } from './credential-length.js';

const API_KEY = 'credential-length-test-key';
let rsa: TestKeyPair;
let authenticator: Authenticator;
let introspectionCalls = 0;
const introspection = createServer((_req, res) => {
  introspectionCalls++;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ active: true, aud: RESOURCE, exp: Math.floor(Date.now() / 1000) + 60 }));
});

beforeAll(async () => {
  rsa = await testKeyPair('RS256');
  await new Promise<void>((resolve) => introspection.listen(0, '127.0.0.1', resolve));
  authenticator = await createAuthenticator({
    resourceUrl: RESOURCE,
    jwtIssuer: 'https://auth.example.com/',
    jwtPublicKey: rsa.spki,
    apiKeys: [API_KEY],
    oauthIntrospectionEndpoint: `http://127.0.0.1:${(introspection.address() as AddressInfo).port}/introspect`,
  });
});
afterAll(async () => {
  await authenticator.close();
  await new Promise((resolve) => introspection.close(resolve));
});

/** A valid token padded through a claim to the longest length not over `limit` (base64 steps of 4). */
async function longestTokenWithin(limit: number): Promise<string> {
  const base = await mint(rsa.privateKey, 'RS256', { padding: '' });
  let padding = Math.floor(((limit - base.length) * 3) / 4) + 3;
  for (;;) {
    const token = await mint(rsa.privateKey, 'RS256', { padding: 'p'.repeat(padding) });
    if (token.length <= limit) return token;
    padding -= 1;
  }
}

describe('MAX_CREDENTIAL_LENGTH', () => {
  it('accepts a valid token right at the limit', async () => {
    const token = await longestTokenWithin(MAX_CREDENTIAL_LENGTH);
    expect(token.length).toBeGreaterThan(MAX_CREDENTIAL_LENGTH - 4);
    const result = await authenticator.authenticate({ method: 'POST', authorization: `Bearer ${token}` });
    expect(result.outcome).toBe('authenticated');
  });

  it('refuses a correctly signed token one character over the limit, without verifying it', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { padding: 'p'.repeat(MAX_CREDENTIAL_LENGTH) });
    const result = await authenticator.authenticate({ method: 'POST', authorization: `Bearer ${token}` });
    expect(result).toMatchObject({
      outcome: 'rejected',
      status: 401,
      body: { error: 'invalid_token', error_description: 'Could not validate credentials' },
    });
    await expect(authenticator.verifyAccessToken(token)).rejects.toMatchObject({ status: 401 });
  });

  it('never sends an oversized opaque token to the introspection endpoint', async () => {
    const before = introspectionCalls;
    const result = await authenticator.authenticate({
      method: 'POST',
      authorization: `Bearer ${'o'.repeat(MAX_CREDENTIAL_LENGTH + 1)}`,
    });
    expect(result).toMatchObject({ outcome: 'rejected', status: 401 });
    expect(introspectionCalls).toBe(before);
    expect((await authenticator.authenticate({ method: 'POST', authorization: 'Bearer short-opaque' })).outcome).toBe(
      'authenticated',
    );
    expect(introspectionCalls).toBe(before + 1);
  });

  it('refuses an oversized X-API-Key', async () => {
    const result = await authenticator.authenticate({ method: 'POST', apiKey: 'k'.repeat(MAX_CREDENTIAL_LENGTH + 1) });
    expect(result).toMatchObject({ outcome: 'rejected', status: 401 });
    expect((await authenticator.authenticate({ method: 'POST', apiKey: API_KEY })).outcome).toBe('authenticated');
  });
});
