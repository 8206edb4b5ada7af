// Several trusted issuers (docs/providers.md): each with its own keys, audience and algorithms; a token goes
// to the verifier its unverified `iss` names, and an unknown issuer is refused before anything is
// fetched (RFC 8707 §2; RFC 8725 §3.1; docs/requirements.md, "Signing keys").
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalIssuer, startLocalIssuer } from '../__fixtures__/local-issuer.js';
import { mint, RESOURCE, type TestKeyPair, testKeyPair } from '../__fixtures__/signing-keys.js';
import type { Authenticator, AuthResult } from '../authenticate/authenticator-types.js';
import { createAuthenticator } from '../authenticate/create-authenticator.js';
import type { WardenOptions } from '../config/config-schema.js';
import type { Logger } from '../logging/logger.js';

let one: LocalIssuer;
let two: LocalIssuer;
let stranger: LocalIssuer;
let authenticator: Authenticator | undefined;

beforeAll(async () => {
  [one, two, stranger] = await Promise.all([
    startLocalIssuer(),
    startLocalIssuer({ alg: 'ES256' }),
    startLocalIssuer(),
  ]);
});
beforeEach(() => {
  for (const issuer of [one, two, stranger]) issuer.requests.length = 0;
});
afterEach(async () => {
  await authenticator?.close();
  authenticator = undefined;
});
afterAll(async () => {
  await Promise.all([one.close(), two.close(), stranger.close()]);
});

async function start(options: WardenOptions, logger?: Logger): Promise<Authenticator> {
  authenticator = await createAuthenticator(
    { resourceUrl: RESOURCE, authRequired: true, ...options },
    logger ? { logger } : {},
  );
  return authenticator;
}

function check(auth: Authenticator, token: string): Promise<AuthResult> {
  return auth.authenticate({ method: 'POST', authorization: `Bearer ${token}` });
}

function outcome(result: AuthResult): string {
  return result.outcome === 'rejected' ? `${result.status} ${result.error.code}` : result.outcome;
}

function twoIssuers(): WardenOptions {
  return {
    trustedIssuers: [
      { issuer: one.issuer, jwksUri: one.jwksUri },
      // Discovery: no JWKS URI, the keys are found through the issuer's metadata.
      { issuer: two.issuer, algorithms: ['ES256'], audience: 'https://other-name.example.com/mcp' },
    ],
  };
}

describe('several trusted issuers', () => {
  it('accepts tokens of each issuer, verified with that issuer’s own keys and audience', async () => {
    const auth = await start(twoIssuers());
    const fromOne = await check(auth, await one.mint({ scope: 'mcp:tools' }));
    expect(fromOne).toMatchObject({
      outcome: 'authenticated',
      authInfo: { scopes: ['mcp:tools'], extra: { issuer: one.issuer, method: 'jwt' } },
    });
    const fromTwo = await check(auth, await two.mint({ aud: 'https://other-name.example.com/mcp' }));
    expect(fromTwo).toMatchObject({ outcome: 'authenticated', authInfo: { extra: { issuer: two.issuer } } });
    expect(two.requests.map((r) => r.path)).toEqual(['/.well-known/openid-configuration', '/jwks']);
  });

  it('applies each issuer’s audience: a token for the resource URL is refused from the issuer configured for another audience', async () => {
    const auth = await start(twoIssuers());
    expect(outcome(await check(auth, await two.mint({ aud: RESOURCE })))).toBe('401 ERR_AUDIENCE_MISMATCH');
    expect(outcome(await check(auth, await one.mint({ aud: 'https://other-name.example.com/mcp' })))).toBe(
      '401 ERR_AUDIENCE_MISMATCH',
    );
  });

  it('applies each issuer’s algorithm allowlist (RFC 8725 §3.1)', async () => {
    const auth = await start({
      trustedIssuers: [{ issuer: one.issuer, jwksUri: one.jwksUri, algorithms: ['PS256'] }],
    });
    expect(outcome(await check(auth, await one.mint()))).toBe('401 ERR_CREDENTIALS_INVALID');
  });

  it('refuses a token that names one issuer but is signed with another issuer’s key', async () => {
    const auth = await start(twoIssuers());
    const forged = await mint(two.key.privateKey, 'ES256', { iss: one.issuer }, { header: { kid: two.key.jwk.kid } });
    expect(outcome(await check(auth, forged))).toBe('401 ERR_CREDENTIALS_INVALID');
  });

  it('refuses an unknown issuer before any network call: no JWKS or metadata server receives a request', async () => {
    const auth = await start(twoIssuers());
    const result = await check(auth, await stranger.mint());
    expect(result).toMatchObject({
      outcome: 'rejected',
      status: 401,
      body: { error: 'invalid_token', error_description: 'Invalid token issuer' },
    });
    const noIssuer = await mint(stranger.key.privateKey, 'RS256', { iss: undefined });
    expect(outcome(await check(auth, noIssuer))).toBe('401 ERR_ISSUER_MISMATCH');
    expect([...one.requests, ...two.requests, ...stranger.requests]).toEqual([]);
  });

  it('keeps the MCP_JWT_* issuer working next to trusted issuers', async () => {
    const local: TestKeyPair = await testKeyPair('RS256');
    const auth = await start({
      jwtIssuer: 'https://primary.example.com/',
      jwtPublicKey: local.spki,
      ...twoIssuers(),
    });
    const primary = await mint(local.privateKey, 'RS256', { iss: 'https://primary.example.com/' });
    expect(outcome(await check(auth, primary))).toBe('authenticated');
    expect(outcome(await check(auth, await one.mint()))).toBe('authenticated');
    // The primary key does not vouch for another issuer's tokens.
    const crossed = await mint(local.privateKey, 'RS256', { iss: one.issuer });
    expect(outcome(await check(auth, crossed))).toBe('401 ERR_CREDENTIALS_INVALID');
  });

  it('refuses an unknown issuer without fetching in single-issuer mode too', async () => {
    const auth = await start({ jwtIssuer: one.issuer, oauthJwksUri: one.jwksUri });
    expect(outcome(await check(auth, await stranger.mint()))).toBe('401 ERR_ISSUER_MISMATCH');
    expect(one.requests).toEqual([]);
    expect(outcome(await check(auth, await one.mint()))).toBe('authenticated');
    const fetched = one.requests.length;
    // Keys known now: the stranger's unknown `kid` would be a refresh, and is refused before it (docs/requirements.md, "Signing keys").
    expect(outcome(await check(auth, await stranger.mint()))).toBe('401 ERR_ISSUER_MISMATCH');
    expect(one.requests).toHaveLength(fetched);
  });

  it('in single-issuer mode, a foreign token signed with a known kid fails on its signature, with no fetch', async () => {
    const auth = await start({ jwtIssuer: one.issuer, oauthJwksUri: one.jwksUri });
    expect(outcome(await check(auth, await one.mint()))).toBe('authenticated');
    const fetched = one.requests.length;
    const forged = await mint(
      stranger.key.privateKey,
      'RS256',
      { iss: stranger.issuer },
      { header: { kid: one.key.jwk.kid } },
    );
    expect(outcome(await check(auth, forged))).toBe('401 ERR_CREDENTIALS_INVALID');
    expect(one.requests).toHaveLength(fetched);
  });

  it('explains routing at debug level and never logs the token', async () => {
    const lines: string[] = [];
    const record = (fields: object, message?: string) => lines.push(`${message} ${JSON.stringify(fields)}`);
    const logger: Logger = { debug: record, info: record, warn: record, error: record };
    const auth = await start(twoIssuers(), logger);
    const good = await one.mint();
    const unknown = await stranger.mint();
    await check(auth, good);
    await check(auth, unknown);
    await check(auth, 'an-opaque-token-value');
    expect(lines.some((line) => line.includes('JWT-shaped: JWT validation'))).toBe(true);
    expect(lines.some((line) => line.includes('JWT routed to the verifier of its issuer'))).toBe(true);
    expect(lines.some((line) => line.includes('its issuer is not trusted') && line.includes(stranger.issuer))).toBe(
      true,
    );
    expect(lines.some((line) => line.includes('not a JWT and no introspection is configured'))).toBe(true);
    for (const secret of [good, unknown, 'an-opaque-token-value']) {
      expect(lines.join('\n')).not.toContain(secret);
    }
  });
});
