import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ISSUER, mint, RESOURCE, type TestKeyPair, testKeyPair } from '../__fixtures__/signing-keys.js';
import type { Authenticator, AuthInfo, AuthResult } from '../authenticate/authenticator-types.js';
import { createAuthenticator } from '../authenticate/create-authenticator.js';
import type { WardenOptions } from '../config/config-schema.js';

let rsa: TestKeyPair;
let authenticator: Authenticator | undefined;

beforeAll(async () => {
  rsa = await testKeyPair('RS256');
});
afterEach(async () => {
  vi.useRealTimers();
  await authenticator?.close();
  authenticator = undefined;
});

async function start(options: WardenOptions = {}): Promise<Authenticator> {
  authenticator = await createAuthenticator({
    resourceUrl: RESOURCE,
    jwtIssuer: ISSUER,
    jwtPublicKey: rsa.spki,
    jwtClockTolerance: 0,
    ...options,
  });
  return authenticator;
}

async function infoOf(auth: Authenticator, token: string): Promise<AuthInfo> {
  const result: AuthResult = await auth.authenticate({ method: 'POST', authorization: `Bearer ${token}` });
  if (result.outcome !== 'authenticated') throw new Error(`expected authenticated, got ${result.outcome}`);
  return result.authInfo;
}

/**
 * A JWT enters the cache on its second verification (the first is only noted): returns the
 * AuthInfo the cache now holds.
 */
async function cachedInfoOf(auth: Authenticator, token: string): Promise<AuthInfo> {
  await infoOf(auth, token);
  return infoOf(auth, token);
}

// Identity of the returned AuthInfo is what a caller can observe of the cache: a hit returns the
// object verified earlier, a fresh verification builds a new one.
describe('verified-token cache', () => {
  it('serves a repeat token from the cache from its second verification on', async () => {
    const auth = await start();
    const token = await mint(rsa.privateKey, 'RS256');
    const first = await infoOf(auth, token);
    const second = await infoOf(auth, token);
    expect(second).not.toBe(first); // seen once: verified, noted, not kept
    expect(await infoOf(auth, token)).toBe(second);
    expect(await infoOf(auth, token)).toBe(second);
  });

  it('keeps no token seen only once: a flood of distinct tokens cannot push out a client in steady use', async () => {
    const auth = await start({ tokenCacheMaxEntries: 2 });
    const steady = await mint(rsa.privateKey, 'RS256', { sub: 'steady' });
    const cached = await cachedInfoOf(auth, steady);
    for (let i = 0; i < 5; i++) await infoOf(auth, await mint(rsa.privateKey, 'RS256', { sub: `once-${i}` }));
    expect(await infoOf(auth, steady)).toBe(cached);
  });

  it('is bounded in entries (oldest evicted first)', async () => {
    const auth = await start({ tokenCacheMaxEntries: 2 });
    const [t1, t2, t3] = await Promise.all(['1', '2', '3'].map((sub) => mint(rsa.privateKey, 'RS256', { sub })));
    const first = await cachedInfoOf(auth, t1!);
    await cachedInfoOf(auth, t2!);
    const third = await cachedInfoOf(auth, t3!);
    expect(await infoOf(auth, t1!)).not.toBe(first); // evicted, verified again
    expect(await infoOf(auth, t3!)).toBe(third);
  });

  it('makes room by evicting its oldest tenth at once, never more than it holds', async () => {
    const auth = await start({ tokenCacheMaxEntries: 20 });
    const tokens = await Promise.all(
      Array.from({ length: 21 }, (_, i) => mint(rsa.privateKey, 'RS256', { sub: `client-${i}` })),
    );
    const cached: AuthInfo[] = [];
    for (const token of tokens) cached.push(await cachedInfoOf(auth, token));
    // The 21st admission evicted the two oldest (a tenth of 20); the third oldest is still held.
    expect(await infoOf(auth, tokens[0]!)).not.toBe(cached[0]);
    expect(await infoOf(auth, tokens[1]!)).not.toBe(cached[1]);
    expect(await infoOf(auth, tokens[2]!)).toBe(cached[2]);
    expect(await infoOf(auth, tokens[20]!)).toBe(cached[20]);
  });

  it('can be disabled (0 entries)', async () => {
    const auth = await start({ tokenCacheMaxEntries: 0 });
    const token = await mint(rsa.privateKey, 'RS256');
    expect(await infoOf(auth, token)).not.toBe(await infoOf(auth, token));
  });

  it('never serves an entry past the token exp: time claims are re-checked on a hit (RFC 7519 §4.1.4)', async () => {
    const auth = await start();
    const now = Date.now();
    const token = await mint(rsa.privateKey, 'RS256', { exp: Math.floor(now / 1000) + 60 });
    await cachedInfoOf(auth, token);
    vi.useFakeTimers({ toFake: ['Date'], now: now + 61_000 });
    const result = await auth.authenticate({ method: 'POST', authorization: `Bearer ${token}` });
    expect(result.outcome === 'rejected' && result.error.code).toBe('ERR_TOKEN_EXPIRED');
  });

  it('honours the clock tolerance on a hit like on a fresh verification', async () => {
    const auth = await start({ jwtClockTolerance: 30 });
    const now = Date.now();
    const token = await mint(rsa.privateKey, 'RS256', { exp: Math.floor(now / 1000) + 60 });
    const first = await cachedInfoOf(auth, token);
    vi.useFakeTimers({ toFake: ['Date'], now: now + 75_000 });
    expect(await infoOf(auth, token)).toBe(first);
  });

  it('is keyed by the whole token: a token differing only in its last byte is verified on its own', async () => {
    const auth = await start();
    const token = await mint(rsa.privateKey, 'RS256');
    await cachedInfoOf(auth, token);
    const last = token.at(-1)!;
    const twin = token.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    const result = await auth.authenticate({ method: 'POST', authorization: `Bearer ${twin}` });
    expect(result.outcome).toBe('rejected');
  });

  it("refuses a forged token carrying a cached token's signature (same tail, other claims)", async () => {
    const auth = await start();
    const token = await mint(rsa.privateKey, 'RS256');
    await cachedInfoOf(auth, token);
    const [header, , signature] = token.split('.');
    const claims = Buffer.from(JSON.stringify({ iss: ISSUER, aud: RESOURCE, sub: 'admin', exp: 9999999999 }));
    const forged = `${header}.${claims.toString('base64url')}.${signature}`;
    const result = await auth.authenticate({ method: 'POST', authorization: `Bearer ${forged}` });
    expect(result.outcome === 'rejected' && result.error.code).toBe('ERR_CREDENTIALS_INVALID');
  });

  it.each([
    ['lower-case scheme', (t: string) => `bearer ${t}`],
    ['several spaces', (t: string) => `Bearer   ${t}`],
    ['surrounding spaces', (t: string) => ` Bearer ${t} `],
  ])('serves a repeat token from the cache whatever the header spelling: %s', async (_name, spell) => {
    const auth = await start();
    const token = await mint(rsa.privateKey, 'RS256');
    const first = await cachedInfoOf(auth, token);
    const result = await auth.authenticate({ method: 'POST', authorization: spell(token) });
    expect(result.outcome === 'authenticated' && result.authInfo).toBe(first);
  });

  it('checks scopes on a cache hit like on a fresh verification (RFC 6750 §3.1)', async () => {
    const auth = await start({ requiredScopes: ['mcp:write'] });
    const token = await mint(rsa.privateKey, 'RS256', { scope: 'mcp:read' });
    for (let i = 0; i < 2; i++) {
      const result = await auth.authenticate({ method: 'POST', authorization: `Bearer ${token}` });
      expect(result.outcome === 'rejected' && [result.status, result.error.code]).toEqual([
        403,
        'ERR_INSUFFICIENT_SCOPE',
      ]);
    }
  });

  it('is never filled by invalid tokens', async () => {
    const auth = await start({ tokenCacheMaxEntries: 1 });
    const good = await mint(rsa.privateKey, 'RS256');
    const cached = await cachedInfoOf(auth, good);
    const other = await testKeyPair('RS256');
    for (let i = 0; i < 3; i++) {
      const forged = await mint(other.privateKey, 'RS256', { sub: `x${i}` });
      expect((await auth.authenticate({ method: 'POST', authorization: `Bearer ${forged}` })).outcome).toBe('rejected');
    }
    expect(await infoOf(auth, good)).toBe(cached);
  });

  it('shares one verification between concurrent requests with the same token (one that waits: jose)', async () => {
    const auth = await start({ tokenCacheMaxEntries: 0, jwtEngine: 'jose' });
    const token = await mint(rsa.privateKey, 'RS256');
    const infos = await Promise.all(Array.from({ length: 10 }, () => infoOf(auth, token)));
    for (const info of infos) expect(info).toBe(infos[0]);
  });

  it('decides a token node:crypto verifies on the spot before the next request starts: nothing in flight to share', async () => {
    const auth = await start({ tokenCacheMaxEntries: 0, jwtEngine: 'node' });
    const token = await mint(rsa.privateKey, 'RS256');
    const infos = await Promise.all(Array.from({ length: 10 }, () => infoOf(auth, token)));
    for (const info of infos) expect(info).toEqual(infos[0]);
    expect(new Set(infos).size).toBe(10);
  });

  it('shares a failure too, and does not remember it', async () => {
    const auth = await start();
    const token = await mint(rsa.privateKey, 'RS256', { aud: 'elsewhere' });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => auth.authenticate({ method: 'POST', authorization: `Bearer ${token}` })),
    );
    for (const result of results)
      expect(result.outcome === 'rejected' && result.error.code).toBe('ERR_AUDIENCE_MISMATCH');
  });

  it('does not cache API keys', async () => {
    const auth = await start({ apiKeys: ['k1'] });
    const a = await auth.authenticate({ method: 'POST', apiKey: 'k1' });
    const b = await auth.authenticate({ method: 'POST', apiKey: 'k1' });
    expect(a.outcome === 'authenticated' && b.outcome === 'authenticated' && a.authInfo !== b.authInfo).toBe(true);
  });
});
