// Hostile input (docs/security.md): every named attack against the real server process on every framework.
// Expected of each: a 400/401 (431 for a header Node will not read) with a JSON error, answered
// without waiting on any timeout, nothing accepted, and (checked at the end of the file) nothing
// written to the logs in clear. MCP authorization, "Token Handling"; RFC 8707 §2; RFC 8725 §3.1; RFC 7519 §4.1.4; docs/requirements.md, "Signing keys"; docs/security.md.
import { randomBytes } from 'node:crypto';
import { EncryptJWT, exportJWK, exportSPKI, generateKeyPair, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORKS } from '../e2e/server-process.js';
import { type AttackerKeyServer, startAttackerKeyServer } from './attacker-key-server.js';
import { createProviderKey, type FakeProvider, type ProviderKey, startFakeProvider } from './fake-provider.js';
import { segment, signHs256, signRs256 } from './forge.js';
import { jsonOf, type RawResponse, rawRequest } from './raw-http.js';
import { HardeningContext, type WardenUnderTest } from './warden-under-test.js';

const context = new HardeningContext();
const { ledger } = context;
let provider: FakeProvider;
let attacker: AttackerKeyServer;
let attackerKey: ProviderKey;
/** A key the provider published once and has since rotated out of its JWKS. */
let removedKey: ProviderKey;

/** No hostile request may wait on a timeout (the JWKS/introspection budget is 5 s). */
const FAST_MS = 3000;

/**
 * The servers here wait this long for a request's header section (`MCP_HEADERS_TIMEOUT`), far
 * above the default 10 s, so that the oversized-header case tells "refused as soon as the limit
 * is crossed" from "waited on the headers timeout" by a wide margin, however slowly a loaded
 * machine moves megabytes over loopback.
 */
const HEADERS_TIMEOUT_S = 120;
/** The oversized-header refusal must come well before {@link HEADERS_TIMEOUT_S}. */
const OVERSIZED_MS = 40_000;

beforeAll(async () => {
  provider = await startFakeProvider(3);
  removedKey = provider.keys[2]!;
  provider.published.delete(removedKey.kid);
  attackerKey = await createProviderKey('attacker');
  attacker = await startAttackerKeyServer({ ...attackerKey.jwk });
}, 30_000);

afterAll(async () => {
  await context.stopAll();
  await provider?.close();
  await attacker?.close();
});

const now = () => Math.floor(Date.now() / 1000);

/**
 * Every framework with the engine Node.js gets by default (node:crypto), and one more server
 * with jose's engine (`MCP_JWT_ENGINE=jose`): every case below is decided by both engines
 * (docs/security.md, "Two engines, one decision"). The engine does not depend on the framework.
 */
const TARGETS: [string, (typeof FRAMEWORKS)[number], 'auto' | 'jose'][] = [
  ...FRAMEWORKS.map((framework) => [framework, framework, 'auto'] as [string, (typeof FRAMEWORKS)[number], 'auto']),
  ['hono with the jose engine', 'hono', 'jose'],
];

describe.each(TARGETS)('hostile input on %s', (_name, framework, engine) => {
  let server: WardenUnderTest;

  beforeAll(async () => {
    server = await context.start(framework, provider, {
      MCP_HEADERS_TIMEOUT: String(HEADERS_TIMEOUT_S),
      ...(engine === 'jose' ? { MCP_JWT_ENGINE: 'jose' } : {}),
    });
  }, 30_000);

  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: provider.issuer,
    aud: server.resource,
    sub: 'mallory',
    scope: 'mcp:tools mcp:admin',
    iat: now(),
    exp: now() + 600,
    ...extra,
  });

  /** Sends `Authorization: <value>` (and any extra header lines) as raw bytes. */
  function send(headers: [string, string][], path = '/mcp', timeoutMs?: number): Promise<RawResponse> {
    for (const [name, value] of headers) {
      if (name.toLowerCase() === 'authorization') ledger.addAuthorization(value);
      else ledger.add(value);
    }
    return rawRequest(server.port, { headers, path, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  }
  const bearer = (token: string, timeoutMs?: number) => send([['Authorization', `Bearer ${token}`]], '/mcp', timeoutMs);

  /** The refusal every hostile request must get. */
  function expectRefused(res: RawResponse, status = 401, description?: string, withinMs = FAST_MS): void {
    expect(res.status, `answer: ${res.status} ${res.body.slice(0, 200)}`).toBe(status);
    const body = jsonOf(res);
    expect(body).toMatchObject({ error: expect.any(String), error_description: expect.any(String) });
    if (description !== undefined) expect(body?.error_description).toBe(description);
    if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer resource_metadata="/);
    expect(res.elapsedMs).toBeLessThan(withinMs);
    expect(res.body).not.toMatch(/\n\s+at /); // no stack trace
  }

  it('control: a valid JWT, both API keys, both Basic users and an active opaque token are accepted', async () => {
    expect((await bearer(ledger.add(await provider.mint(server.resource)))).status).toBe(200);
    // The engine the server chose at start-up, from its debug line (MCP_JWT_ENGINE).
    expect(server.output()).toContain(`"engine":"${engine === 'jose' ? 'jose' : 'node'}"`);
    expect((await send([['X-API-Key', server.apiKeys[0]]])).status).toBe(200);
    expect((await send([['X-API-Key', server.apiKeys[1]]])).status).toBe(200);
    for (const { authorization } of server.basicUsers)
      expect((await send([['Authorization', authorization]])).status).toBe(200);
    const opaque = ledger.add(`opaque-${randomBytes(24).toString('hex')}`);
    provider.activeTokens.set(opaque, { aud: server.resource, exp: now() + 600, scope: 'mcp:tools' });
    expect((await bearer(opaque)).status).toBe(200);
  });

  it('alg "none" (an unsigned token)', async () => {
    expectRefused(await bearer(new UnsecuredJWT(claims()).encode()));
    expectRefused(await bearer(`${segment({ alg: 'none', typ: 'JWT', kid: 'k1' })}.${segment(claims())}.`));
  });

  it('HS256 signed with the server’s RSA public key bytes as the secret (algorithm confusion)', async () => {
    const key = provider.keys[0]!;
    const secrets = [key.spki, key.spki.trim(), JSON.stringify(key.jwk), String(key.jwk.n)];
    for (const secret of secrets) {
      expectRefused(await bearer(signHs256({ alg: 'HS256', typ: 'JWT', kid: key.kid }, claims(), secret)));
    }
  });

  it('a "jku" header pointing at the attacker’s key server (never fetched)', async () => {
    for (const kid of ['attacker', 'k1', undefined]) {
      const header = { alg: 'RS256', kid, jku: `${attacker.url}/jwks.json` };
      expectRefused(await bearer(signRs256(header, claims(), attackerKey.privateKey)));
    }
    expect(attacker.requests).toEqual([]);
  });

  it('an "x5u" header pointing at the attacker’s key server (never fetched)', async () => {
    const header = { alg: 'RS256', kid: 'attacker', x5u: `${attacker.url}/cert.pem` };
    expectRefused(await bearer(signRs256(header, claims(), attackerKey.privateKey)));
    expect(attacker.requests).toEqual([]);
  });

  it('a "jwk" header embedding the attacker’s key (never trusted, its URLs never fetched)', async () => {
    const jwk = { ...attackerKey.jwk, x5u: `${attacker.url}/embedded.pem`, jku: `${attacker.url}/embedded.json` };
    for (const kid of ['attacker', 'k1']) {
      expectRefused(await bearer(signRs256({ alg: 'RS256', kid, jwk }, claims(), attackerKey.privateKey)));
    }
    expect(attacker.requests).toEqual([]);
  });

  it('an "x5c" header carrying the attacker’s certificate chain (never trusted)', async () => {
    const chain = [randomBytes(600).toString('base64')];
    for (const kid of ['attacker', 'k1', undefined]) {
      expectRefused(await bearer(signRs256({ alg: 'RS256', kid, x5c: chain }, claims(), attackerKey.privateKey)));
    }
    expect(attacker.requests).toEqual([]);
  });

  it('an unknown "crit" header parameter, even signed with the provider’s real key', async () => {
    const key = provider.keys[0]!;
    const header = { alg: 'RS256', kid: key.kid, crit: ['x-hardening'], 'x-hardening': true };
    expectRefused(await bearer(signRs256(header, claims(), key.privateKey)));
  });

  it('a "kid" that is very long, holds path or SQL characters, or is not a string', async () => {
    const key = provider.keys[0]!;
    const kids: unknown[] = [
      'k'.repeat(4000),
      '../../../../etc/passwd',
      '/jwks?kid=k1#',
      '..%2f..%2fjwks',
      "k1' OR '1'='1",
      'k1"; DROP TABLE keys; --',
      'k1\u0000',
      1,
      0,
      true,
      null,
      { kid: 'k1' },
      ['k1'],
    ];
    for (const kid of kids) {
      // Signed by the real key: only the kid is wrong, and it must not find (or invent) a key.
      expectRefused(await bearer(signRs256({ alg: 'RS256', kid }, claims(), key.privateKey)));
    }
  });

  it('JWE and nested tokens', async () => {
    const jwe = await new EncryptJWT(claims())
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(new Uint8Array(randomBytes(32)));
    expect(jwe.split('.')).toHaveLength(5);
    expectRefused(await bearer(jwe));
    const key = provider.keys[0]!;
    const inner = await provider.mint(server.resource);
    ledger.add(inner);
    // A valid JWS whose payload is itself a valid token (cty: JWT): the outer claims are not JSON.
    expectRefused(await bearer(signRs256({ alg: 'RS256', kid: key.kid, cty: 'JWT' }, inner, key.privateKey)));
    // A JWS whose payload is a JWE.
    expectRefused(await bearer(signRs256({ alg: 'RS256', kid: key.kid, cty: 'JWT' }, jwe, key.privateKey)));
  });

  it('wrong segment counts', async () => {
    const valid = ledger.add(await provider.mint(server.resource));
    const [h, p, s] = valid.split('.') as [string, string, string];
    for (const token of [h, `${h}.${p}`, `${h}.${p}.`, `${valid}.${s}`, `${valid}.${p}.${s}`, `${h}..${s}`, '..']) {
      expectRefused(await bearer(token));
    }
  });

  it('invalid base64url', async () => {
    const valid = ledger.add(await provider.mint(server.resource));
    const [h, p, s] = valid.split('.') as [string, string, string];
    const standardBase64 = (text: string) => Buffer.from(text, 'base64url').toString('base64').replace(/=+$/, '');
    // token68 characters that are not base64url, padding, non-canonical trailing bits: 401.
    const standard = `${standardBase64(h)}.${standardBase64(p)}.${standardBase64(s)}`;
    expect(standard).not.toBe(valid); // the 342-character signature has a "-" or "_" to convert
    for (const token of [
      standard,
      `${h}.${p}.${s}==`,
      `${h.slice(0, -1)}${h.endsWith('J') ? 'K' : 'J'}.${p}.${s}`,
      `${h}.${p}.${s.slice(0, -1)}${s.endsWith('A') ? 'B' : 'A'}`,
    ]) {
      expectRefused(await bearer(token));
    }
    // Characters outside token68 (including "=" anywhere but the end) are a malformed header: 400.
    for (const token of [`${h}=.${p}.${s}`, `${h}.${p}.${s}*`, `${h}.${p}%2e.${s}`, `${h}.${p}.${s}!`]) {
      expectRefused(await bearer(token), 400);
    }
  });

  it('a header that is not JSON', async () => {
    const key = provider.keys[0]!;
    for (const header of ['not json', '{"alg":"RS256"', '[1,2]', '"RS256"', '{"alg":null}', '{"alg":["RS256"]}']) {
      const input = `${segment(header)}.${segment(claims())}`;
      const forged = signRs256({ alg: 'RS256', kid: key.kid }, claims(), key.privateKey).split('.')[2];
      expectRefused(await bearer(`${input}.${forged}`));
    }
  });

  it('a 10 KB token is refused without verifying, even with a valid signature', async () => {
    const padded = ledger.add(await provider.mint(server.resource, { padding: 'p'.repeat(10 * 1024) }));
    expect(padded.length).toBeGreaterThan(10 * 1024);
    expectRefused(await bearer(padded), 401, 'Could not validate credentials');
    // As an X-API-Key, too.
    expectRefused(await send([['X-API-Key', 'k'.repeat(10 * 1024)]]));
  });

  it(
    'a 1 MB token is refused before the server reads it (431, JSON), and the server stays up',
    async () => {
      const huge = `eyJ${'A'.repeat(1024 * 1024)}`;
      // Eight megabytes at once: on a loaded machine the bytes alone can take seconds, so the bound
      // is the headers timeout, the only timeout an oversized header section could wait on.
      const answers = await Promise.all(Array.from({ length: 8 }, () => bearer(huge, HEADERS_TIMEOUT_S * 1000)));
      for (const res of answers) expectRefused(res, 431, undefined, OVERSIZED_MS);
      const api = await send([['X-API-Key', 'k'.repeat(1024 * 1024)]], '/mcp', HEADERS_TIMEOUT_S * 1000);
      expectRefused(api, 431, undefined, OVERSIZED_MS);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    },
    3 * HEADERS_TIMEOUT_S * 1000,
  );

  it('non-ASCII and control characters', async () => {
    const valid = ledger.add(await provider.mint(server.resource));
    // Bytes above 0x7F (latin1 é, and the UTF-8 bytes of an emoji) are not token68: 400.
    for (const token of [`${valid}\u00e9`, `t\u00f6k\u00e9n-${'x'.repeat(20)}`, Buffer.from('🔑').toString('latin1')]) {
      expectRefused(await bearer(token), 400);
    }
    // Control characters never reach the application: Node's parser refuses them, answered as JSON.
    for (const control of ['\u0000', '\u0001', '\u001b', '\u007f', '\u000b']) {
      expectRefused(await bearer(`${valid.slice(0, 40)}${control}${valid.slice(40)}`), 400);
    }
    expectRefused(await send([['X-API-Key', `${server.apiKeys[0]}\u0001`]]), 400);
    expectRefused(await send([['X-API-Key', `${server.apiKeys[0]}\u00e9`]]));
  });

  it('duplicate Authorization headers are 400 invalid_request, even when both are valid', async () => {
    const first = ledger.add(await provider.mint(server.resource));
    const second = ledger.add(await provider.mint(server.resource, { sub: 'second' }));
    const res = await send([
      ['Authorization', `Bearer ${first}`],
      ['Authorization', `Bearer ${second}`],
    ]);
    expectRefused(res, 400);
    expect(jsonOf(res)?.error).toBe('invalid_request');
    expectRefused(
      await send([
        ['Authorization', `Bearer ${first}`],
        ['authorization', ''],
      ]),
      400,
    );
    // Two X-API-Key headers are refused too, never first-wins.
    expectRefused(
      await send([
        ['X-API-Key', server.apiKeys[0]],
        ['X-API-Key', server.apiKeys[1]],
      ]),
    );
  });

  it('a lowercase "bearer" and extra spaces are accepted (RFC 9110 §11.1, documented)', async () => {
    const token = ledger.add(await provider.mint(server.resource));
    for (const value of [
      `bearer ${token}`,
      `BEARER ${token}`,
      `bEaReR ${token}`,
      `Bearer    ${token}`,
      `Bearer ${token}   `,
    ]) {
      expect((await send([['Authorization', value]])).status, value.slice(0, 12)).toBe(200);
    }
    // RFC 9110 allows only spaces between scheme and credentials: a tab is malformed, consistently.
    expectRefused(await send([['Authorization', `Bearer\t${token}`]]), 400);
    expectRefused(await send([['Authorization', `Bearer,${token}`]]), 400);
  });

  it('HTTP Basic (RFC 7617): both users accepted; guesses, unknown users and malformed credentials refused', async () => {
    const [ada, zoe] = server.basicUsers;
    expect((await send([['Authorization', ada.authorization]])).status).toBe(200);
    expect((await send([['Authorization', zoe.authorization]])).status).toBe(200);
    const basic = (bytes: string | Buffer) => `Basic ${Buffer.from(bytes).toString('base64')}`;
    const wrongPassword = await send([['Authorization', basic(`${ada.user}:${ada.password.slice(0, -1)}0x`)]]);
    const unknownUser = await send([['Authorization', basic(`mallory:${ada.password}`)]]);
    // The password of one user under the other's id, the digest of a digest user as its password,
    // and the user id in another case are all just wrong credentials.
    const crossed = await send([['Authorization', basic(`${zoe.user}:${ada.password}`)]]);
    const upperCase = await send([['Authorization', basic(`ADA:${ada.password}`)]]);
    for (const res of [wrongPassword, unknownUser, crossed, upperCase]) {
      expectRefused(res, 401, 'Could not validate credentials');
      expect(res.headers['www-authenticate']).toMatch(/, Basic realm="[^"]+", charset="UTF-8"$/);
      expect(res.body).toBe(wrongPassword.body); // one answer, whichever half was wrong
    }
    for (const malformed of [
      'Basic',
      `Basic ${ada.user}:${ada.password}`, // not encoded
      `${ada.authorization.slice(0, -2)}`, // padding cut
      `${ada.authorization}=`, // padding added
      basic(Buffer.from([0x61, 0x3a, 0xc3, 0x28])), // invalid UTF-8
      basic(`${ada.user}\u0000:${ada.password}`), // a control character
      basic(ada.user), // no colon
      `${ada.authorization}, ${zoe.authorization}`, // two headers joined
    ]) {
      expectRefused(await send([['Authorization', malformed]]), 400);
    }
    // An oversized header is refused before it is decoded.
    expectRefused(await send([['Authorization', basic(`${ada.user}:${'p'.repeat(9000)}`)]]), 401);
  });

  it('an empty API key is no credential at all', async () => {
    for (const value of ['', ' ', '   ']) {
      const res = await send([['X-API-Key', value]]);
      expectRefused(res, 401, 'Authentication required');
      expect(res.headers['www-authenticate']).not.toContain('error=');
    }
    expectRefused(await send([['Authorization', 'Bearer']]), 400);
    expectRefused(await send([['Authorization', 'Bearer   ']]), 400);
  });

  it('an API key or token in the query string is ignored (header only, RFC 6750 §2.3 unsupported)', async () => {
    const key = server.apiKeys[0];
    const token = ledger.add(await provider.mint(server.resource));
    for (const query of [
      `api_key=${key}`,
      `apiKey=${key}`,
      `x-api-key=${key}`,
      `key=${key}`,
      `access_token=${token}`,
    ]) {
      const res = await send([], `/mcp?${query}`);
      expectRefused(res, 401, 'Authentication required');
    }
  });

  it('a valid token for another audience or another issuer', async () => {
    const otherAudience = ledger.add(await provider.mint('http://127.0.0.1:1/mcp'));
    expectRefused(await bearer(otherAudience), 401, 'Invalid token audience');
    const otherIssuer = ledger.add(await provider.mint(server.resource, { iss: `${provider.issuer}/other` }));
    expectRefused(await bearer(otherIssuer), 401, 'Invalid token issuer');
  });

  it('expired one second beyond the clock tolerance (5 s); inside the tolerance it still passes', async () => {
    const beyond = ledger.add(await provider.mint(server.resource, { iat: now() - 60, exp: now() - 6 }));
    expectRefused(await bearer(beyond), 401, 'Token has expired');
    const inside = ledger.add(await provider.mint(server.resource, { iat: now() - 60, exp: now() - 1 }));
    expect((await bearer(inside)).status).toBe(200);
  });

  it('"nbf" in the future', async () => {
    const early = ledger.add(await provider.mint(server.resource, { nbf: now() + 60 }));
    expectRefused(await bearer(early), 401, 'Token is not yet valid');
  });

  it('a missing "exp"', async () => {
    const eternal = ledger.add(await provider.mint(server.resource, {}, { expiresIn: null }));
    expect(JSON.parse(Buffer.from(eternal.split('.')[1]!, 'base64url').toString())).not.toHaveProperty('exp');
    expectRefused(await bearer(eternal));
  });

  it('a token signed by a key removed from the JWKS', async () => {
    const stale = ledger.add(await provider.mint(server.resource, {}, { key: removedKey }));
    expectRefused(await bearer(stale));
    // Its kid swapped for a published one does not help either.
    const swapped = ledger.add(await provider.mint(server.resource, {}, { key: removedKey, header: { kid: 'k1' } }));
    expectRefused(await bearer(swapped));
  });

  it('an HS256 token signed with a guessable secret, and an RS256 key the server never trusted', async () => {
    expectRefused(await bearer(signHs256({ alg: 'HS256' }, claims(), 'secret')));
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    ledger.add(await exportSPKI(publicKey));
    expectRefused(await bearer(signRs256({ alg: 'RS256', kid: 'k1', jwk }, claims(), privateKey)));
  });
});

describe('secrets', () => {
  it('no token, API key, secret or Authorization value sent in this file appears in any server log', () => {
    expect(ledger.size).toBeGreaterThan(50);
    const output = context.allOutput();
    expect(output.length).toBeGreaterThan(0);
    expect(ledger.leaksIn(output)).toEqual([]);
  });
});
