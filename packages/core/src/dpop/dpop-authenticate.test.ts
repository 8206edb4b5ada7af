// RFC 9449 §7 at the resource server, through createAuthenticator: DPoP-bound tokens, their proofs,
// the challenges, nonces and replay across instances sharing a store.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DpopKey, dpopKey, proof } from '../__fixtures__/dpop-proofs.js';
import { type LocalIssuer, startLocalIssuer } from '../__fixtures__/local-issuer.js';
import { ISSUER, mint, RESOURCE, type TestKeyPair, testKeyPair } from '../__fixtures__/signing-keys.js';
import type { Authenticator, AuthRequest, AuthResult } from '../authenticate/authenticator-types.js';
import { createAuthenticator } from '../authenticate/create-authenticator.js';
import type { WardenOptions } from '../config/config-schema.js';
import type { Logger } from '../logging/logger.js';
import { createMemoryStore, type SharedStore } from '../store/shared-store.js';

const PRM = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const ALGS = 'ES256 EdDSA RS256 PS256';
let signing: TestKeyPair;
let client: DpopKey;
let thief: DpopKey;
const open: Authenticator[] = [];

beforeAll(async () => {
  signing = await testKeyPair('RS256');
  client = await dpopKey('ES256');
  thief = await dpopKey('ES256');
});
afterAll(async () => {
  await Promise.all(open.map((authenticator) => authenticator.close()));
});

async function start(options: WardenOptions = {}, store?: SharedStore, logger?: Logger): Promise<Authenticator> {
  const authenticator = await createAuthenticator(
    { resourceUrl: RESOURCE, jwtIssuer: ISSUER, jwtPublicKey: signing.spki, authRequired: true, ...options },
    { ...(store === undefined ? {} : { store }), ...(logger === undefined ? {} : { logger }) },
  );
  open.push(authenticator);
  return authenticator;
}

/** An access token bound to `key` (RFC 9449 §6.1), or unbound with `null`. */
function boundToken(key: DpopKey | null, claims: Record<string, unknown> = {}): Promise<string> {
  return mint(signing.privateKey, 'RS256', {
    scope: 'mcp:read',
    client_id: 'dpop-client',
    ...(key === null ? {} : { cnf: { jkt: key.jkt } }),
    ...claims,
  });
}

async function dpopRequest(
  token: string,
  key: DpopKey,
  options: Parameters<typeof proof>[1] = {},
): Promise<AuthRequest> {
  return {
    method: 'POST',
    path: '/mcp',
    authorization: `DPoP ${token}`,
    dpop: await proof(key, { token, ...options }),
  };
}

function rejected(result: AuthResult) {
  if (result.outcome !== 'rejected') throw new Error(`expected a rejection, got ${result.outcome}`);
  return result;
}

function authenticated(result: AuthResult) {
  if (result.outcome !== 'authenticated') {
    throw new Error(`expected a pass, got ${result.outcome} ${result.outcome === 'rejected' ? result.error.code : ''}`);
  }
  return result.authInfo;
}

describe('a DPoP-bound token with a valid proof', () => {
  it('authenticates, and hands the binding to tool handlers in AuthInfo.extra.cnf', async () => {
    const auth = await start();
    const token = await boundToken(client);
    const info = authenticated(await auth.authenticate(await dpopRequest(token, client)));
    expect(info).toMatchObject({ clientId: 'dpop-client', scopes: ['mcp:read'], extra: { method: 'jwt' } });
    expect(info.extra?.cnf).toEqual({ jkt: client.jkt });
  });

  it('checks a fresh proof on every request, while the token itself comes from the cache', async () => {
    const auth = await start();
    const token = await boundToken(client);
    const requests = await Promise.all([1, 2, 3, 4].map(() => dpopRequest(token, client)));
    for (const request of requests) authenticated(await auth.authenticate(request));
    // The token is cached by now (admitted on its second verification); its proofs are not.
    const replay = rejected(await auth.authenticate(requests[3]!));
    expect([replay.status, replay.error.code]).toEqual([401, 'ERR_DPOP_PROOF_REPLAYED']);
    const stolen = rejected(await auth.authenticate(await dpopRequest(token, thief)));
    expect(stolen.error.code).toBe('ERR_DPOP_KEY_MISMATCH');
  });

  it('accepts the scheme in any case, and a proof for the path the adapter reports', async () => {
    const auth = await start({ resourceUrl: 'https://mcp.example.com/api/mcp' });
    const token = await mint(signing.privateKey, 'RS256', {
      aud: 'https://mcp.example.com/api/mcp',
      cnf: { jkt: client.jkt },
    });
    const request = {
      method: 'GET',
      path: '/api/mcp',
      authorization: `dpop ${token}`,
      dpop: await proof(client, { token, htm: 'GET', htu: 'https://mcp.example.com/api/mcp?session=1' }),
    };
    authenticated(await auth.authenticate(request));
  });

  it('checks the scopes as for Bearer: 403, the error in the DPoP challenge after Bearer', async () => {
    const auth = await start({ requiredScopes: ['mcp:admin'] });
    const token = await boundToken(client);
    const result = rejected(await auth.authenticate(await dpopRequest(token, client)));
    expect(result.status).toBe(403);
    expect(result.headers['WWW-Authenticate']).toBe(
      `Bearer resource_metadata="${PRM}", scope="mcp:admin", DPoP algs="${ALGS}", resource_metadata="${PRM}", scope="mcp:admin", error="insufficient_scope", error_description="${result.body.error_description}"`,
    );
  });
});

describe('refusals, each with its challenge and a JSON body', () => {
  it.each([
    ['a stolen token with another key', 'ERR_DPOP_KEY_MISMATCH', async (token: string) => dpopRequest(token, thief)],
    ['wrong htm', 'ERR_DPOP_PROOF_INVALID', async (token: string) => dpopRequest(token, client, { htm: 'GET' })],
    [
      'wrong htu (another path)',
      'ERR_DPOP_PROOF_INVALID',
      async (token: string) => dpopRequest(token, client, { htu: 'https://mcp.example.com/other' }),
    ],
    [
      'a stale iat',
      'ERR_DPOP_PROOF_INVALID',
      async (token: string) => dpopRequest(token, client, { iat: Math.floor(Date.now() / 1000) - 600 }),
    ],
    [
      'a future iat',
      'ERR_DPOP_PROOF_INVALID',
      async (token: string) => dpopRequest(token, client, { iat: Math.floor(Date.now() / 1000) + 600 }),
    ],
    ['no ath', 'ERR_DPOP_PROOF_INVALID', async (token: string) => dpopRequest(token, client, { token: null })],
    ['a wrong ath', 'ERR_DPOP_PROOF_INVALID', async (token: string) => dpopRequest(token, client, { token: 'x' })],
    [
      'a private key in the jwk',
      'ERR_DPOP_PROOF_INVALID',
      async (token: string) => dpopRequest(token, client, { header: { jwk: client.privateJwk } }),
    ],
    [
      'a symmetric alg',
      'ERR_DPOP_PROOF_INVALID',
      async (token: string) =>
        dpopRequest(token, client, {
          header: { alg: 'HS256' },
          signWith: new TextEncoder().encode('a-shared-secret-that-is-at-least-32-bytes-long'),
        }),
    ],
    [
      'two proofs',
      'ERR_DPOP_PROOF_INVALID',
      async (token: string) => {
        const request = await dpopRequest(token, client);
        return { ...request, dpop: `${request.dpop}, ${await proof(client, { token })}` };
      },
    ],
    [
      'no proof',
      'ERR_DPOP_PROOF_INVALID',
      async (token: string) => ({ ...(await dpopRequest(token, client)), dpop: null }),
    ],
  ])('%s: 401 invalid_dpop_proof', async (_name, code, request) => {
    const auth = await start();
    const token = await boundToken(client);
    const result = rejected(await auth.authenticate(await request(token)));
    expect([result.status, result.error.code, result.body.error]).toEqual([401, code, 'invalid_dpop_proof']);
    expect(result.headers['WWW-Authenticate']).toBe(
      `Bearer resource_metadata="${PRM}", DPoP algs="${ALGS}", resource_metadata="${PRM}", error="invalid_dpop_proof", error_description="${result.body.error_description}"`,
    );
    expect(JSON.stringify(result.body)).not.toContain(token);
  });

  it('wrong htu: the origin is the configured one, whatever the Host header says', async () => {
    const auth = await start();
    const token = await boundToken(client);
    const forged = await dpopRequest(token, client, { htu: 'https://evil.example.com/mcp' });
    expect(rejected(await auth.authenticate({ ...forged, host: 'evil.example.com' })).body.error_description).toBe(
      'The DPoP proof htu does not match the request URL',
    );
    authenticated(await auth.authenticate({ ...(await dpopRequest(token, client)), host: 'evil.example.com' }));
  });

  it('a loopback resource takes the proof under the spelling the client used', async () => {
    const resourceUrl = 'http://localhost:8000/mcp';
    const auth = await start({ resourceUrl, jwtAudience: [resourceUrl] });
    const token = await mint(signing.privateKey, 'RS256', { aud: resourceUrl, cnf: { jkt: client.jkt } });
    const viaIp = await dpopRequest(token, client, { htu: 'http://127.0.0.1:8000/mcp' });
    authenticated(await auth.authenticate({ ...viaIp, host: '127.0.0.1:8000' }));
    const mismatched = await dpopRequest(token, client, { htu: 'http://127.0.0.1:8000/mcp' });
    rejected(await auth.authenticate({ ...mismatched, host: 'localhost:8000' }));
  });

  it('a bound token presented as Bearer: 401 invalid_token, cached or not', async () => {
    const auth = await start();
    const token = await boundToken(client);
    // Cache the token through two DPoP requests, then try it as Bearer: still refused.
    for (let i = 0; i < 3; i++) {
      const result = rejected(await auth.authenticate({ method: 'POST', authorization: `Bearer ${token}` }));
      expect([result.status, result.error.code, result.body]).toEqual([
        401,
        'ERR_DPOP_BOUND_TOKEN_AS_BEARER',
        {
          error: 'invalid_token',
          error_description: 'The access token is bound to a DPoP key: present it with the DPoP scheme and a proof',
        },
      ]);
      expect(result.headers['WWW-Authenticate']).toBe(
        `Bearer resource_metadata="${PRM}", error="invalid_token", error_description="${result.body.error_description}", DPoP algs="${ALGS}", resource_metadata="${PRM}"`,
      );
      authenticated(await auth.authenticate(await dpopRequest(token, client)));
    }
    await expect(auth.verifyAccessToken(token)).rejects.toMatchObject({ code: 'ERR_DPOP_BOUND_TOKEN_AS_BEARER' });
  });

  it('an unbound token presented as DPoP: 401 DPoP error="invalid_token"', async () => {
    const auth = await start();
    const token = await boundToken(null);
    const result = rejected(await auth.authenticate(await dpopRequest(token, client)));
    expect([result.status, result.error.code, result.body.error]).toEqual([
      401,
      'ERR_DPOP_TOKEN_NOT_BOUND',
      'invalid_token',
    ]);
    expect(result.headers['WWW-Authenticate']).toMatch(
      /^Bearer resource_metadata="[^"]+", DPoP algs="[^"]+", resource_metadata="[^"]+", error="invalid_token"/,
    );
  });

  it('an invalid token presented as DPoP: DPoP error="invalid_token"', async () => {
    const auth = await start();
    const other = await testKeyPair('RS256');
    const token = await mint(other.privateKey, 'RS256', { cnf: { jkt: client.jkt } });
    const result = rejected(await auth.authenticate(await dpopRequest(token, client)));
    expect([result.status, result.error.code]).toEqual([401, 'ERR_CREDENTIALS_INVALID']);
    expect(result.headers['WWW-Authenticate']).toMatch(
      /^Bearer resource_metadata="[^"]+", DPoP algs="[^"]+", resource_metadata="[^"]+", error="invalid_token"/,
    );
  });

  it('a malformed cnf.jkt: the token is refused, never taken as unbound', async () => {
    const auth = await start();
    const token = await boundToken(null, { cnf: { jkt: 42 } });
    expect(rejected(await auth.authenticate({ method: 'POST', authorization: `Bearer ${token}` })).status).toBe(401);
  });

  it('a malformed DPoP Authorization header: 400 invalid_request', async () => {
    const auth = await start();
    for (const authorization of ['DPoP', 'DPoP a b', 'DPoP tok, Bearer other']) {
      const result = rejected(await auth.authenticate({ method: 'POST', authorization }));
      expect([result.status, result.body.error]).toEqual([400, 'invalid_request']);
    }
  });
});

describe('challenges while DPoP is accepted (RFC 9449 §7.1, RFC 9728 §5.1)', () => {
  it('no credentials: Bearer and DPoP with algs, both naming the metadata and the scopes', async () => {
    const auth = await start({ requiredScopes: ['mcp:read'] });
    expect(rejected(await auth.authenticate({ method: 'POST' })).headers['WWW-Authenticate']).toBe(
      `Bearer resource_metadata="${PRM}", scope="mcp:read", DPoP algs="${ALGS}", resource_metadata="${PRM}", scope="mcp:read"`,
    );
  });

  it('lists the configured algorithms', async () => {
    const auth = await start({ dpopAlgorithms: ['EdDSA', 'ES384'] });
    expect(rejected(await auth.authenticate({ method: 'POST' })).headers['WWW-Authenticate']).toContain(
      'DPoP algs="EdDSA ES384"',
    );
  });

  it('DPoP off: Bearer only, the DPoP scheme is malformed, and bound tokens are still refused as Bearer', async () => {
    const auth = await start({ dpopEnabled: false });
    expect(rejected(await auth.authenticate({ method: 'POST' })).headers['WWW-Authenticate']).toBe(
      `Bearer resource_metadata="${PRM}"`,
    );
    const token = await boundToken(client);
    expect(rejected(await auth.authenticate(await dpopRequest(token, client))).status).toBe(400);
    expect(rejected(await auth.authenticate({ method: 'POST', authorization: `Bearer ${token}` })).error.code).toBe(
      'ERR_DPOP_BOUND_TOKEN_AS_BEARER',
    );
  });

  it('with Basic users: Bearer, then DPoP, then Basic last; a failed proof errs in the DPoP challenge alone', async () => {
    const auth = await start({ basicAuthUsers: ['alice:alice-password-0123456789'] });
    const basic = `Basic realm="${RESOURCE}", charset="UTF-8"`;
    expect(rejected(await auth.authenticate({ method: 'POST' })).headers['WWW-Authenticate']).toBe(
      `Bearer resource_metadata="${PRM}", DPoP algs="${ALGS}", resource_metadata="${PRM}", ${basic}`,
    );
    const token = await boundToken(client);
    const stolen = rejected(await auth.authenticate(await dpopRequest(token, thief)));
    expect(stolen.headers['WWW-Authenticate']).toBe(
      `Bearer resource_metadata="${PRM}", DPoP algs="${ALGS}", resource_metadata="${PRM}", error="invalid_dpop_proof", error_description="${stolen.body.error_description}", ${basic}`,
    );
    authenticated(await auth.authenticate(await dpopRequest(token, client)));
    const alice = `Basic ${Buffer.from('alice:alice-password-0123456789').toString('base64')}`;
    expect(authenticated(await auth.authenticate({ method: 'POST', authorization: alice })).clientId).toBe('alice');
  });

  it('API keys only: no DPoP challenge (nothing could verify a DPoP-bound token)', async () => {
    const auth = await createAuthenticator({ resourceUrl: RESOURCE, apiKeys: ['key-1'], authRequired: true });
    open.push(auth);
    expect(rejected(await auth.authenticate({ method: 'POST' })).headers['WWW-Authenticate']).toBe(
      `Bearer resource_metadata="${PRM}"`,
    );
  });
});

describe('MCP_DPOP_REQUIRED', () => {
  it('refuses Bearer access tokens with the DPoP challenge alone, and still takes API keys', async () => {
    const auth = await start({ dpopRequired: true, apiKeys: ['key-1'] });
    const token = await boundToken(null);
    const result = rejected(await auth.authenticate({ method: 'POST', authorization: `Bearer ${token}` }));
    expect([result.status, result.error.code, result.body.error_description]).toEqual([
      401,
      'ERR_DPOP_REQUIRED',
      'This resource requires DPoP-bound access tokens',
    ]);
    expect(result.headers['WWW-Authenticate']).toBe(
      `DPoP algs="${ALGS}", resource_metadata="${PRM}", error="invalid_token", error_description="${result.body.error_description}"`,
    );
    expect(rejected(await auth.authenticate({ method: 'POST' })).headers['WWW-Authenticate']).toBe(
      `DPoP algs="${ALGS}", resource_metadata="${PRM}"`,
    );
    authenticated(await auth.authenticate({ method: 'POST', authorization: 'Bearer key-1' }));
    authenticated(await auth.authenticate({ method: 'POST', apiKey: 'key-1' }));
    authenticated(await auth.authenticate(await dpopRequest(await boundToken(client), client)));
  });

  it('warns at start-up when nothing could verify an access token', async () => {
    const warn = vi.fn();
    const logger = { debug: vi.fn(), info: vi.fn(), warn, error: vi.fn() } as unknown as Logger;
    const auth = await createAuthenticator(
      { resourceUrl: RESOURCE, apiKeys: ['key-1'], authRequired: true, dpopRequired: true },
      { logger },
    );
    open.push(auth);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ setting: 'dpopRequired' }),
      expect.stringMatching(/no effect/),
    );
  });
});

describe('server nonces (RFC 9449 §9)', () => {
  it('off by default: a proof without a nonce passes', async () => {
    const auth = await start();
    authenticated(await auth.authenticate(await dpopRequest(await boundToken(client), client)));
  });

  it('on: 401 use_dpop_nonce with DPoP-Nonce, then the proof with that nonce passes', async () => {
    const auth = await start({ dpopNonces: true });
    const token = await boundToken(client);
    const first = rejected(await auth.authenticate(await dpopRequest(token, client)));
    expect([first.status, first.error.code, first.body]).toEqual([
      401,
      'ERR_DPOP_NONCE_REQUIRED',
      { error: 'use_dpop_nonce', error_description: 'Resource server requires nonce in DPoP proof' },
    ]);
    expect(first.headers['WWW-Authenticate']).toMatch(
      /^Bearer resource_metadata="[^"]+", DPoP algs="[^"]+", resource_metadata="[^"]+", error="use_dpop_nonce"/,
    );
    const nonce = first.headers['DPoP-Nonce'];
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    authenticated(await auth.authenticate(await dpopRequest(token, client, { nonce })));
    // The same nonce serves many proofs; an unknown one is challenged again.
    authenticated(await auth.authenticate(await dpopRequest(token, client, { nonce })));
    const unknown = rejected(await auth.authenticate(await dpopRequest(token, client, { nonce: 'A'.repeat(22) })));
    expect([unknown.error.code, unknown.headers['DPoP-Nonce']]).toEqual(['ERR_DPOP_NONCE_REQUIRED', nonce]);
  });

  it('a nonce issued by one instance is accepted by another sharing the store', async () => {
    const store = createMemoryStore();
    const one = await start({ dpopNonces: true }, store);
    const two = await start({ dpopNonces: true }, store);
    const token = await boundToken(client);
    const nonce = rejected(await one.authenticate(await dpopRequest(token, client))).headers['DPoP-Nonce'];
    authenticated(await two.authenticate(await dpopRequest(token, client, { nonce })));
  });

  it('an expired nonce is challenged again with a new one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const auth = await start({ dpopNonces: true, dpopIatWindow: 60 });
      const token = await boundToken(client, { exp: Math.floor(Date.now() / 1000) + 3600 });
      const nonce = rejected(await auth.authenticate(await dpopRequest(token, client))).headers['DPoP-Nonce'];
      vi.setSystemTime(Date.now() + 61_000);
      const again = rejected(await auth.authenticate(await dpopRequest(token, client, { nonce })));
      expect(again.error.code).toBe('ERR_DPOP_NONCE_REQUIRED');
      expect(again.headers['DPoP-Nonce']).not.toBe(nonce);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('replay across instances (RFC 9449 §11.1)', () => {
  it('a proof used at one instance is refused at another sharing the store', async () => {
    const store = createMemoryStore();
    const one = await start({}, store);
    const two = await start({}, store);
    const request = await dpopRequest(await boundToken(client), client);
    authenticated(await one.authenticate(request));
    expect(rejected(await two.authenticate(request)).error.code).toBe('ERR_DPOP_PROOF_REPLAYED');
  });

  it('the same proof at two instances with their own memory passes twice: why several instances need a shared store', async () => {
    const request = await dpopRequest(await boundToken(client), client);
    authenticated(await (await start()).authenticate(request));
    authenticated(await (await start()).authenticate(request));
  });

  it('remembers the proof for its iat window (plus a skew margin) and no longer', async () => {
    const store = createMemoryStore();
    const setIfAbsent = vi.spyOn(store, 'setIfAbsent');
    const auth = await start({ dpopIatWindow: 120 }, store);
    const now = Math.floor(Date.now() / 1000);
    authenticated(await auth.authenticate(await dpopRequest(await boundToken(client), client, { iat: now })));
    const [key, , ttlMs] = setIfAbsent.mock.calls[0]!;
    expect(key).toMatch(/^dpop-jti:[A-Za-z0-9_-]{43}$/);
    expect(ttlMs).toBeGreaterThan(120_000);
    expect(ttlMs).toBeLessThanOrEqual(151_000);
  });

  it('a store that fails: 503 with Retry-After, never a pass', async () => {
    const broken: SharedStore = {
      setIfAbsent: () => Promise.reject(new Error('connection refused')),
      get: () => Promise.reject(new Error('connection refused')),
      set: () => Promise.reject(new Error('connection refused')),
    };
    const auth = await start({}, broken);
    const result = rejected(await auth.authenticate(await dpopRequest(await boundToken(client), client)));
    expect([result.status, result.error.code, result.body.error, result.headers['Retry-After']]).toEqual([
      503,
      'ERR_DPOP_STORE_UNAVAILABLE',
      'temporarily_unavailable',
      '5',
    ]);
    const withNonces = await start({ dpopNonces: true }, broken);
    expect(rejected(await withNonces.authenticate(await dpopRequest(await boundToken(client), client))).status).toBe(
      503,
    );
  });
});

describe('a store that fails, then recovers', () => {
  it('says so once at warn level (never per request, never a credential), and once more when it answers again', async () => {
    const memory = createMemoryStore();
    let down = true;
    const refused = () => Promise.reject(new Error('connection refused'));
    const flaky: SharedStore = {
      setIfAbsent: (...args) => (down ? refused() : memory.setIfAbsent(...args)),
      get: (...args) => (down ? refused() : memory.get(...args)),
      set: (...args) => (down ? refused() : memory.set(...args)),
    };
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const auth = await start({}, flaky, logger as unknown as Logger);
    const token = await boundToken(client);
    for (let i = 0; i < 3; i++) {
      expect(rejected(await auth.authenticate(await dpopRequest(token, client))).status).toBe(503);
    }
    const storeWarnings = logger.warn.mock.calls.filter(([, message]) => String(message).includes('shared store'));
    expect(storeWarnings).toHaveLength(1);
    expect(storeWarnings[0]![1]).toContain('DPoP requests are answered 503');
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(token);
    down = false;
    authenticated(await auth.authenticate(await dpopRequest(token, client)));
    expect(logger.info).toHaveBeenCalledWith({}, 'shared store available again: DPoP proofs are checked again');
  });
});

describe('opaque tokens bound through introspection (RFC 9449 §6.2)', () => {
  let issuer: LocalIssuer;
  beforeAll(async () => {
    issuer = await startLocalIssuer();
    const exp = Math.floor(Date.now() / 1000) + 300;
    issuer.introspect = (form) => {
      const token = form.get('token');
      if (token === 'opaque-bound') {
        return { active: true, exp, aud: RESOURCE, token_type: 'DPoP', cnf: { jkt: client.jkt }, client_id: 'c' };
      }
      if (token === 'opaque-dpop-unbound') return { active: true, exp, aud: RESOURCE, token_type: 'DPoP' };
      return { active: false };
    };
  });
  afterAll(() => issuer.close());

  async function introspecting(): Promise<Authenticator> {
    const auth = await createAuthenticator({
      resourceUrl: RESOURCE,
      authRequired: true,
      oauthIntrospectionEndpoint: `${issuer.base}/introspect`,
      oauthClientId: 'rs',
      oauthClientSecret: 'secret',
    });
    open.push(auth);
    return auth;
  }

  it('accepts the token with a proof by its key, and refuses it as Bearer or with another key', async () => {
    const auth = await introspecting();
    const info = authenticated(await auth.authenticate(await dpopRequest('opaque-bound', client)));
    expect(info.extra).toMatchObject({ method: 'introspection', cnf: { jkt: client.jkt } });
    expect(rejected(await auth.authenticate({ method: 'POST', authorization: 'Bearer opaque-bound' })).error.code).toBe(
      'ERR_DPOP_BOUND_TOKEN_AS_BEARER',
    );
    expect(rejected(await auth.authenticate(await dpopRequest('opaque-bound', thief))).error.code).toBe(
      'ERR_DPOP_KEY_MISMATCH',
    );
  });

  it('refuses token_type DPoP without a cnf.jkt to check', async () => {
    const auth = await introspecting();
    expect(rejected(await auth.authenticate(await dpopRequest('opaque-dpop-unbound', client))).error.code).toBe(
      'ERR_TOKEN_TYPE_INVALID',
    );
  });
});
