import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, type JWK, type JWTHeaderParameters } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ISSUER, mint, RESOURCE, type TestKeyPair, testKeyPair } from '../__fixtures__/signing-keys.js';
import type { Authenticator, AuthResult, JwksClientOptions } from '../authenticate/authenticator-types.js';
import { createAuthenticator } from '../authenticate/create-authenticator.js';
import type { WardenOptions } from '../config/config-schema.js';
import { RemoteJwks } from './remote-jwks.js';

type Mode = 'ok' | 'http500' | 'garbage' | 'huge' | 'hang' | 'down';

let server: Server;
let base: string;
let mode: Mode;
let delayMs: number;
let keys: JWK[];
let jwksRequests: number;
let discoveryRequests: number;
let discoveryDelayMs: number;
let a: TestKeyPair;
let b: TestKeyPair;
let authenticator: Authenticator | undefined;

function serveJwks(res: ServerResponse): void {
  switch (mode) {
    case 'http500':
      res.statusCode = 500;
      res.end('{"error":"boom"}');
      return;
    case 'garbage':
      res.end('<html>maintenance</html>');
      return;
    case 'huge':
      res.end(JSON.stringify({ keys, padding: 'x'.repeat(20_000) }));
      return;
    case 'hang':
      return; // never answers
    case 'down':
      res.socket?.destroy();
      return;
    default:
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
  }
}

beforeAll(async () => {
  a = await testKeyPair('RS256', 'key-a');
  b = await testKeyPair('RS256', 'key-b');
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/jwks') {
      jwksRequests++;
      if (delayMs > 0) setTimeout(() => serveJwks(res), delayMs);
      else serveJwks(res);
      return;
    }
    if (req.url === '/.well-known/openid-configuration') {
      discoveryRequests++;
      res.setHeader('content-type', 'application/json');
      const answer = () => res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }));
      if (discoveryDelayMs > 0) setTimeout(answer, discoveryDelayMs);
      else answer();
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  mode = 'ok';
  delayMs = 0;
  keys = [a.jwk];
  jwksRequests = 0;
  discoveryRequests = 0;
  discoveryDelayMs = 0;
});
afterEach(async () => {
  await authenticator?.close();
  authenticator = undefined;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start(jwks: JwksClientOptions = {}, options: WardenOptions = {}): Promise<Authenticator> {
  authenticator = await createAuthenticator(
    { resourceUrl: RESOURCE, jwtIssuer: ISSUER, oauthJwksUri: `${base}/jwks`, ...options },
    // A budget a first fetch meets on a slow, loaded machine; tests of slow providers set their own.
    { jwks: { timeoutMs: 2000, cooldownMs: 200, ...jwks } },
  );
  return authenticator;
}

async function tokenFor(pair: TestKeyPair, claims: Record<string, unknown> = {}): Promise<string> {
  return mint(pair.privateKey, 'RS256', claims, { header: { kid: pair.jwk.kid } });
}

function check(auth: Authenticator, token: string): Promise<AuthResult> {
  return auth.authenticate({ method: 'POST', authorization: `Bearer ${token}` });
}

function expectUnavailable(result: AuthResult): void {
  if (result.outcome !== 'rejected') throw new Error(`expected 503, got ${result.outcome}`);
  expect(result.status).toBe(503);
  expect(result.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
  expect(Number(result.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
  expect(result.headers['WWW-Authenticate']).toMatch(/^Bearer resource_metadata="/);
}

describe('remote JWKS (docs/requirements.md, "Signing keys")', () => {
  it('fetches the keys once and reuses them', async () => {
    const auth = await start();
    for (const sub of ['u1', 'u2', 'u3'])
      expect((await check(auth, await tokenFor(a, { sub }))).outcome).toBe('authenticated');
    expect(jwksRequests).toBe(1);
  });

  it('does not fetch at start-up (the provider may be down while we boot)', async () => {
    await start();
    expect(jwksRequests).toBe(0);
  });

  it('follows a key rotation: an unknown kid refreshes the set', async () => {
    const auth = await start();
    expect((await check(auth, await tokenFor(a))).outcome).toBe('authenticated');
    keys = [b.jwk];
    await sleep(250); // past the 200 ms cooldown
    expect((await check(auth, await tokenFor(b))).outcome).toBe('authenticated');
    expect(jwksRequests).toBe(2);
  });

  it('refreshes on unknown kids at most once per cooldown window', async () => {
    const auth = await start({ cooldownMs: 60_000 });
    expect((await check(auth, await tokenFor(a))).outcome).toBe('authenticated');
    for (let i = 0; i < 5; i++) {
      const forged = await mint(b.privateKey, 'RS256', {}, { header: { kid: `random-${i}` } });
      const result = await check(auth, forged);
      expect(result.outcome === 'rejected' && result.status).toBe(401);
    }
    expect(jwksRequests).toBe(1);
  });

  it('shares one fetch between concurrent requests', async () => {
    delayMs = 100;
    const auth = await start();
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => tokenFor(a, { sub: `user-${i}` })));
    const results = await Promise.all(tokens.map((token) => check(auth, token)));
    expect(results.every((r) => r.outcome === 'authenticated')).toBe(true);
    expect(jwksRequests).toBe(1);
  });

  it.each<[Mode, JwksClientOptions]>([
    ['hang', { timeoutMs: 150 }],
    ['http500', {}],
    ['garbage', {}],
    ['huge', { maxBytes: 2000 }],
    ['down', {}],
  ])('answers 503 temporarily_unavailable when the JWKS is %s and no key is cached', async (failure, jwks) => {
    mode = failure;
    const auth = await start(jwks);
    expectUnavailable(await check(auth, await tokenFor(a)));
  });

  it('recovers when the JWKS comes back (down, then up), without hammering it meanwhile', async () => {
    mode = 'down';
    const auth = await start();
    const token = await tokenFor(a);
    expectUnavailable(await check(auth, token));
    expectUnavailable(await check(auth, token)); // within the back-off: no new fetch
    expect(jwksRequests).toBe(1);
    mode = 'ok';
    await sleep(250);
    expect((await check(auth, token)).outcome).toBe('authenticated');
    expect(jwksRequests).toBe(2);
  });

  it('forgets which key it chose for a kid once the set is refetched (a provider reusing a kid for a new key)', async () => {
    const auth = await start();
    expect((await check(auth, await tokenFor(a, { sub: 'before' }))).outcome).toBe('authenticated');
    // The provider now publishes another key under the same kid, next to a new one.
    const reused = await testKeyPair('RS256', 'key-a');
    keys = [reused.jwk, b.jwk];
    await sleep(250); // past the 200 ms cooldown: b's unknown kid refetches the set
    expect((await check(auth, await tokenFor(b))).outcome).toBe('authenticated');
    expect((await check(auth, await tokenFor(reused, { sub: 'after' }))).outcome).toBe('authenticated');
    const old = await check(auth, await tokenFor(a, { sub: 'old' }));
    expect(old.outcome === 'rejected' && old.error.code).toBe('ERR_CREDENTIALS_INVALID');
    expect(jwksRequests).toBe(2);
  });

  it('keeps the last good keys when a refresh fails', async () => {
    const auth = await start({ maxAgeMs: 100 });
    expect((await check(auth, await tokenFor(a, { sub: 'x' }))).outcome).toBe('authenticated');
    mode = 'http500';
    await sleep(250);
    expect((await check(auth, await tokenFor(a, { sub: 'y' }))).outcome).toBe('authenticated');
    await vi.waitFor(() => expect(jwksRequests).toBe(2));
    await sleep(50); // the failed answer has been handled
    expect((await check(auth, await tokenFor(a, { sub: 'z' }))).outcome).toBe('authenticated');
    expect(jwksRequests).toBe(2);
  });

  it('refreshes a set past its maximum age in the background: the request that finds it stale is answered with the keys in hand', async () => {
    // A maximum age long enough that the new set stays fresh for the rest of the test on a slow,
    // loaded machine (a second stale set would start a third fetch).
    const auth = await start({ maxAgeMs: 1500, cooldownMs: 10_000 });
    expect((await check(auth, await tokenFor(a, { sub: 'x' }))).outcome).toBe('authenticated');
    keys = [b.jwk]; // the provider rotated: a is gone, b is new
    await sleep(1600);
    // Stale: answered with the set in hand (a still there), the refresh started meanwhile.
    expect((await check(auth, await tokenFor(a, { sub: 'y' }))).outcome).toBe('authenticated');
    await vi.waitFor(() => expect(jwksRequests).toBe(2));
    await vi.waitFor(async () => expect((await check(auth, await tokenFor(b))).outcome).toBe('authenticated'));
    // The new set is in place: a's kid is unknown now, and within the cooldown nothing is fetched.
    const old = await check(auth, await tokenFor(a, { sub: 'z' }));
    expect(old.outcome === 'rejected' && old.status).toBe(401);
    expect(jwksRequests).toBe(2);
  });

  it('answers 503 for an unknown kid when the refresh fails (no usable key), 401 once it succeeds', async () => {
    const auth = await start();
    expect((await check(auth, await tokenFor(a))).outcome).toBe('authenticated');
    mode = 'http500';
    await sleep(250);
    expectUnavailable(await check(auth, await tokenFor(b)));
    expect((await check(auth, await tokenFor(a, { sub: 'still-fine' }))).outcome).toBe('authenticated');
    mode = 'ok';
    await sleep(250);
    const unknown = await check(auth, await tokenFor(b));
    expect(unknown.outcome === 'rejected' && unknown.status).toBe(401);
  });

  it('keeps the last good keys when a refresh returns a set with no usable key (docs/security.md)', async () => {
    const auth = await start();
    expect((await check(auth, await tokenFor(a))).outcome).toBe('authenticated');
    keys = [];
    await sleep(250);
    expectUnavailable(await check(auth, await tokenFor(b)));
    expect((await check(auth, await tokenFor(a, { sub: 'kept' }))).outcome).toBe('authenticated');
    keys = [{ ...a.jwk, use: 'enc' }];
    await sleep(250);
    expectUnavailable(await check(auth, await tokenFor(b)));
    expect((await check(auth, await tokenFor(a, { sub: 'still-kept' }))).outcome).toBe('authenticated');
    expect(jwksRequests).toBe(3);
  });

  it('spends one time budget on discovery and the key fetch together (docs/security.md)', async () => {
    discoveryDelayMs = 450;
    mode = 'hang';
    const auth = await start({ timeoutMs: 600 }, { oauthJwksUri: undefined, jwtIssuer: base });
    const started = performance.now();
    expectUnavailable(await check(auth, await tokenFor(a, { iss: base })));
    expect(performance.now() - started).toBeLessThan(950);
    expect(jwksRequests).toBe(1);
  });

  it('skips symmetric and encryption keys in a fetched JWKS', async () => {
    keys = [{ kty: 'oct', k: 'c2VjcmV0', kid: 'key-a' }, { ...a.jwk, use: 'enc', kid: 'enc' }, a.jwk];
    const auth = await start();
    expect((await check(auth, await tokenFor(a))).outcome).toBe('authenticated');
  });

  it('discovers jwks_uri from the issuer when no JWKS URI is configured', async () => {
    const auth = await start({}, { oauthJwksUri: undefined, jwtIssuer: base });
    const token = await tokenFor(a, { iss: base });
    expect((await check(auth, token)).outcome).toBe('authenticated');
    expect((await check(auth, await tokenFor(a, { iss: base, sub: 'again' }))).outcome).toBe('authenticated');
    expect(discoveryRequests).toBe(1);
    expect(jwksRequests).toBe(1);
  });

  it('answers 503 when discovery fails', async () => {
    const auth = await start({}, { oauthJwksUri: undefined, jwtIssuer: `${base}/no-such-tenant` });
    expectUnavailable(await check(auth, await tokenFor(a, { iss: `${base}/no-such-tenant` })));
  });
});

describe('runtimes that drop a finished request\'s work (docs/deploying.md, "Cloudflare Workers")', () => {
  it("hands the background refresh of a stale set to the request's waitUntil", async () => {
    const auth = await start({ maxAgeMs: 100, cooldownMs: 10_000 });
    expect((await check(auth, await tokenFor(a, { sub: 'x' }))).outcome).toBe('authenticated');
    keys = [a.jwk, b.jwk];
    await sleep(150);
    const handed: Promise<unknown>[] = [];
    const stale = await auth.authenticate({
      method: 'POST',
      authorization: `Bearer ${await tokenFor(a, { sub: 'y' })}`,
      waitUntil: (promise) => handed.push(promise),
    });
    expect(stale.outcome).toBe('authenticated');
    expect(handed).toHaveLength(1);
    await handed[0];
    expect(jwksRequests).toBe(2);
    // The refreshed set is in place: the new key works without another fetch.
    expect((await check(auth, await tokenFor(b))).outcome).toBe('authenticated');
    expect(jwksRequests).toBe(2);
  });

  it('hands the first fetch to waitUntil as well, and never one it did not start', async () => {
    const auth = await start();
    const handed: Promise<unknown>[] = [];
    const waitUntil = (promise: Promise<unknown>) => handed.push(promise);
    const [first, second] = await Promise.all([
      auth.authenticate({ method: 'POST', authorization: `Bearer ${await tokenFor(a, { sub: '1' })}`, waitUntil }),
      auth.authenticate({ method: 'POST', authorization: `Bearer ${await tokenFor(a, { sub: '2' })}`, waitUntil }),
    ]);
    expect([first.outcome, second.outcome]).toEqual(['authenticated', 'authenticated']);
    expect(handed).toHaveLength(1);
    expect(jwksRequests).toBe(1);
  });

  it('abandons a refresh lost with its request: the waiting request gets 503, the next one fetches again', async () => {
    // A fetch that never settles and ignores its abort signal: what a runtime leaves behind when
    // it stops the work of a request that has answered.
    let dropping = false;
    let dropped = 0;
    const fetchThatMayBeDropped: typeof fetch = (input, init) => {
      if (!dropping) return fetch(input, init);
      dropped++;
      return new Promise<Response>(() => {});
    };
    authenticator = await createAuthenticator(
      { resourceUrl: RESOURCE, jwtIssuer: ISSUER, oauthJwksUri: `${base}/jwks` },
      { fetch: fetchThatMayBeDropped, jwks: { timeoutMs: 1000, cooldownMs: 200, maxAgeMs: 100 } },
    );
    const auth = authenticator;
    expect((await check(auth, await tokenFor(a, { sub: 'x' }))).outcome).toBe('authenticated');
    keys = [a.jwk, b.jwk];
    await sleep(150);
    dropping = true;
    // Stale: answered with the keys in hand; the background refresh it starts is lost.
    expect((await check(auth, await tokenFor(a, { sub: 'y' }))).outcome).toBe('authenticated');
    expect(dropped).toBe(1);
    dropping = false;
    // An unknown kid joins the lost refresh: a bounded wait, then 503 (its key may exist), not 401.
    expectUnavailable(await check(auth, await tokenFor(b, { sub: 'waited' })));
    // Past the budget the lost refresh is abandoned: the next request fetches again and succeeds.
    await vi.waitFor(async () => expect((await check(auth, await tokenFor(b))).outcome).toBe('authenticated'), {
      timeout: 10_000,
      interval: 100,
    });
    expect(jwksRequests).toBe(2);
  });
});

describe('remembered key choices (docs/performance.md)', () => {
  it('a token whose header names a remembered key still needs that key to have signed it', async () => {
    const auth = await start();
    expect((await check(auth, await tokenFor(a, { sub: 'first' }))).outcome).toBe('authenticated');
    // Same protected header bytes as a's tokens, signed with b's private key.
    const forged = await mint(b.privateKey, 'RS256', { sub: 'forged' }, { header: { kid: a.jwk.kid } });
    expect(forged.split('.')[0]).toBe((await tokenFor(a)).split('.')[0]);
    const result = await check(auth, forged);
    expect(result.outcome === 'rejected' && result.error.code).toBe('ERR_CREDENTIALS_INVALID');
    expect((await check(auth, await tokenFor(a, { sub: 'after' }))).outcome).toBe('authenticated');
    expect(jwksRequests).toBe(1);
  });

  it('keeps at most 64 header spellings: the memo starts over rather than grow with attacker-chosen headers', async () => {
    const jwks = new RemoteJwks({ jwksUri: `${base}/jwks` });
    const headerOf = (token: string) => token.split('.')[0]!;
    const spellings = await Promise.all(
      Array.from({ length: 65 }, (_, i) => mint(a.privateKey, 'RS256', {}, { header: { kid: a.jwk.kid, x: i } })),
    );
    const resolve = (token: string) => {
      const [encoded] = token.split('.');
      return jwks.getKey(decodeProtectedHeader(token) as JWTHeaderParameters, {
        protected: encoded,
        payload: '',
        signature: '',
      });
    };
    expect(jwks.knownKey(headerOf(spellings[0]!))).toBeUndefined();
    const chosen = await resolve(spellings[0]!);
    expect(jwks.knownKey(headerOf(spellings[0]!))).toBe(chosen);
    for (const token of spellings.slice(1, 64)) await resolve(token);
    expect(jwks.knownKey(headerOf(spellings[0]!))).toBe(chosen); // 64 remembered
    await resolve(spellings[64]!);
    expect(jwks.knownKey(headerOf(spellings[0]!))).toBeUndefined(); // the 65th started it over
    expect(jwks.knownKey(headerOf(spellings[64]!))).toBe(chosen);
    expect(jwksRequests).toBe(1);
    jwks.close();
    expect(jwks.knownKey(headerOf(spellings[64]!))).toBeUndefined();
  });
});
