// fast-check properties of the decision: whatever arrives in the headers or body, authenticate
// never throws and never authenticates without a real credential; and no single-byte change to a
// valid token still verifies.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER, mint, RESOURCE, type TestKeyPair, testKeyPair } from '../__fixtures__/signing-keys.js';
import type { Authenticator } from './authenticator-types.js';
import { createAuthenticator } from './create-authenticator.js';

const API_KEY = 'the-only-valid-api-key-0123456789';
let rsa: TestKeyPair;
let authenticator: Authenticator;

beforeAll(async () => {
  rsa = await testKeyPair('RS256');
  authenticator = await createAuthenticator({
    resourceUrl: RESOURCE,
    jwtIssuer: ISSUER,
    jwtPublicKey: rsa.spki,
    apiKeys: [API_KEY],
    toolScopes: { deploy: ['ops'] },
  });
});
afterAll(() => authenticator.close());

const headerValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.string().map((s) => `Bearer ${s}`),
  fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,80}=*$/).map((s) => `Bearer ${s}`),
  fc
    .tuple(fc.base64String(), fc.base64String(), fc.base64String())
    .map((parts) => `Bearer ${parts.join('.').replace(/=/g, '')}`),
  fc.constantFrom(null, undefined, '', 'Bearer', 'bearer  ', 'Basic Og=='),
);

describe('authenticate properties', () => {
  it('arbitrary header strings never throw and never authenticate', async () => {
    await fc.assert(
      fc.asyncProperty(
        headerValue,
        headerValue.filter((value) => value !== API_KEY),
        fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'),
        fc.anything(),
        async (authorization, apiKey, method, body) => {
          const result = await authenticator.authenticate({ authorization, apiKey, method, body });
          expect(result.outcome).not.toBe('authenticated');
          if (result.outcome === 'rejected') {
            expect([400, 401, 403]).toContain(result.status);
            expect(typeof result.body.error_description).toBe('string');
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('no single-byte mutation of a valid token verifies', async () => {
    const token = await mint(rsa.privateKey, 'RS256', { scope: 'mcp:read' });
    await expect(authenticator.verifyAccessToken(token)).resolves.toMatchObject({ token });
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.integer({ min: 0x21, max: 0x7e }), async (index, code) => {
        const mutated = token.slice(0, index) + String.fromCharCode(code) + token.slice(index + 1);
        fc.pre(mutated !== token);
        const result = await authenticator.authenticate({ method: 'POST', authorization: `Bearer ${mutated}` });
        expect(result.outcome).toBe('rejected');
      }),
      { numRuns: 400 },
    );
  });
});
