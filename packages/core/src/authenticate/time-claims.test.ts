// RFC 7519 §4.1.4–§4.1.6: exp, nbf and iat are NumericDates. A token that writes `1e400` (parsed as
// Infinity) or a date past year 9999 is refused, correctly signed or not.
import { CompactSign } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER, RESOURCE, type TestKeyPair, testKeyPair } from '../__fixtures__/signing-keys.js';
import type { Authenticator } from './authenticator-types.js';
import { createAuthenticator } from './create-authenticator.js';
import { LATEST_NUMERIC_DATE, timeClaimsProblem } from './time-claims.js';

let key: TestKeyPair;
let authenticator: Authenticator;

beforeAll(async () => {
  key = await testKeyPair('RS256', 'k1');
  authenticator = await createAuthenticator({ resourceUrl: RESOURCE, jwtIssuer: ISSUER, jwtPublicKey: key.spki });
});
afterAll(() => authenticator.close());

/** Signs a payload written as JSON text, so it can hold numbers JSON.stringify never writes. */
function signText(payload: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .sign(key.privateKey);
}

const now = () => Math.floor(Date.now() / 1000);
const base = () => `"iss":"${ISSUER}","aud":"${RESOURCE}","sub":"mallory","scope":"mcp:admin"`;

describe('JWT time claims', () => {
  it('the control: finite exp, nbf and iat are accepted', async () => {
    const token = await signText(`{${base()},"iat":${now()},"nbf":${now() - 1},"exp":${now() + 300}}`);
    expect((await authenticator.authenticate({ method: 'POST', authorization: `Bearer ${token}` })).outcome).toBe(
      'authenticated',
    );
  });

  it.each([
    ['exp written 1e400 (Infinity: would never expire)', () => `"iat":${now()},"exp":1e400`],
    ['exp past year 9999', () => `"iat":${now()},"exp":${LATEST_NUMERIC_DATE + 1}`],
    ['iat written -1e400', () => `"iat":-1e400,"exp":${now() + 300}`],
    ['nbf written -1e400', () => `"nbf":-1e400,"exp":${now() + 300}`],
    ['a negative iat', () => `"iat":-5,"exp":${now() + 300}`],
  ])('refuses %s with 401 invalid_token', async (_name, claims) => {
    const token = await signText(`{${base()},${claims()}}`);
    const result = await authenticator.authenticate({ method: 'POST', authorization: `Bearer ${token}` });
    expect(result.outcome === 'rejected' && [result.status, result.body.error]).toEqual([401, 'invalid_token']);
    await expect(authenticator.verifyAccessToken(token)).rejects.toMatchObject({ status: 401 });
  });

  it('names the problem with its own code and a fixed description', () => {
    expect(timeClaimsProblem({ exp: Number.POSITIVE_INFINITY })).toMatchObject({
      code: 'ERR_TOKEN_TIME_INVALID',
      description: 'Invalid token time claim',
    });
    expect(timeClaimsProblem({ exp: '2030-01-01' })?.code).toBe('ERR_TOKEN_TIME_INVALID');
    expect(timeClaimsProblem({ exp: 1_900_000_000, nbf: 0, iat: 1_700_000_000.5 })).toBeUndefined();
    expect(timeClaimsProblem({})).toBeUndefined();
  });
});
