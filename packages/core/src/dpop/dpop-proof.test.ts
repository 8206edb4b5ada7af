import { KeyObject, sign } from 'node:crypto';
import { generateKeyPair, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DpopKey, dpopKey, proof } from '../__fixtures__/dpop-proofs.js';
import { isAuthError } from '../errors/auth-error.js';
import { sha256Base64url } from './access-token-hash.js';
import { comparableHtu, createDpopProofVerifier, type DpopRequestFacts } from './dpop-proof.js';

const URL_OF_REQUEST = 'https://mcp.example.com/mcp';
const TOKEN = 'access-token-123';
let es256: DpopKey;

beforeAll(async () => {
  es256 = await dpopKey('ES256');
});

const verify = createDpopProofVerifier({ algorithms: ['ES256', 'EdDSA', 'RS256', 'PS256'], iatWindowSeconds: 300 });

function facts(overrides: Partial<DpopRequestFacts> = {}): DpopRequestFacts {
  return { method: 'POST', url: URL_OF_REQUEST, accessToken: TOKEN, nowSeconds: Date.now() / 1000, ...overrides };
}

/** The description of the `invalid_dpop_proof` the proof earns. */
async function refusal(header: string | null | undefined, requestFacts = facts()): Promise<string> {
  try {
    await verify(header, requestFacts);
  } catch (error) {
    if (!isAuthError(error)) throw error;
    expect([error.status, error.error, error.code]).toEqual([401, 'invalid_dpop_proof', 'ERR_DPOP_PROOF_INVALID']);
    return error.description;
  }
  throw new Error('expected the proof to be refused');
}

describe('a valid proof (RFC 9449 §4.3)', () => {
  it.each(['ES256', 'EdDSA', 'RS256', 'PS256'])('%s: returns the key thumbprint, jti, iat and nonce', async (alg) => {
    const key = await dpopKey(alg);
    const header = await proof(key, { token: TOKEN, jti: 'proof-1', nonce: 'n-1' });
    const verified = await verify(header, facts());
    expect(verified).toMatchObject({ jkt: key.jkt, jti: 'proof-1', nonce: 'n-1' });
    expect(typeof verified.iat).toBe('number');
  });

  it('ignores the query and fragment of htu, and normalises case, default port and dot segments', async () => {
    for (const htu of [
      'https://mcp.example.com/mcp?x=1#frag',
      'HTTPS://MCP.Example.com:443/mcp',
      'https://mcp.example.com/a/../mcp',
    ]) {
      await expect(verify(await proof(es256, { token: TOKEN, htu }), facts())).resolves.toBeDefined();
    }
  });

  it('accepts an iat at either edge of the window', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const iat of [now - 299, now + 299]) {
      await expect(
        verify(await proof(es256, { token: TOKEN, iat }), facts({ nowSeconds: now })),
      ).resolves.toBeDefined();
    }
  });
});

describe('refused proofs: 401 invalid_dpop_proof (RFC 9449 §7.1)', () => {
  it('missing, empty, or more than one DPoP header (RFC 9449 §4.3 step 1)', async () => {
    const one = await proof(es256, { token: TOKEN });
    expect(await refusal(undefined)).toBe('A DPoP proof is required with the DPoP scheme');
    expect(await refusal('  ')).toBe('A DPoP proof is required with the DPoP scheme');
    expect(await refusal(`${one}, ${one}`)).toBe('Exactly one DPoP proof is allowed');
  });

  it('not a compact JWS, or far too long', async () => {
    expect(await refusal('not-a-jwt')).toBe('The DPoP proof is not a signed JWT');
    expect(await refusal('a.b.')).toBe('The DPoP proof is not a signed JWT');
    expect(await refusal(`${'a'.repeat(9000)}.b.c`)).toBe('The DPoP proof is not a signed JWT');
    expect(await refusal('bm90IGpzb24.e30.c2ln')).toBe('The DPoP proof header is not valid JSON');
  });

  it('typ other than dpop+jwt (RFC 9449 §4.3 step 4)', async () => {
    for (const typ of ['JWT', 'at+jwt', undefined]) {
      const header = await proof(es256, { token: TOKEN, header: { typ } });
      expect(await refusal(header)).toBe('The DPoP proof typ must be dpop+jwt');
    }
  });

  it('an algorithm outside the allowlist, symmetric, or none (RFC 9449 §4.3 step 5)', async () => {
    const es384 = await dpopKey('ES384');
    expect(await refusal(await proof(es384, { token: TOKEN }))).toBe('The DPoP proof alg is not allowed');
    const secret = new TextEncoder().encode('a-shared-secret-that-is-at-least-32-bytes-long');
    const hs256 = await proof(es256, { token: TOKEN, header: { alg: 'HS256' }, signWith: secret });
    expect(await refusal(hs256)).toBe('The DPoP proof alg is not allowed');
    const [, payload] = (await proof(es256, { token: TOKEN })).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt', jwk: es256.jwk })).toString('base64url')}.${payload}.sig`;
    expect(await refusal(none)).toBe('The DPoP proof alg is not allowed');
  });

  it('a jwk carrying private key material, a symmetric key, or no jwk (RFC 9449 §4.3 step 6)', async () => {
    const withPrivate = await proof(es256, { token: TOKEN, header: { jwk: es256.privateJwk } });
    expect(await refusal(withPrivate)).toBe('The DPoP proof jwk must be a public key');
    const rsa = await dpopKey('RS256');
    for (const member of ['p', 'q', 'dp', 'dq', 'qi']) {
      const leaked = await proof(rsa, {
        token: TOKEN,
        header: { jwk: { ...rsa.jwk, [member]: (rsa.privateJwk as Record<string, unknown>)[member] } as JWK },
      });
      expect(await refusal(leaked)).toBe('The DPoP proof jwk must be a public key');
    }
    const oct = await proof(es256, { token: TOKEN, header: { jwk: { kty: 'oct', k: 'c2VjcmV0' } as JWK } });
    expect(await refusal(oct)).toBe('The DPoP proof jwk must be a public key');
    const noJwk = await proof(es256, { token: TOKEN, header: { jwk: undefined } });
    expect(await refusal(noJwk)).toBe('The DPoP proof has no jwk header');
  });

  it('a jwk of another key type than the alg, or signed by another key (RFC 9449 §4.3 steps 6–7)', async () => {
    const rsa = await dpopKey('RS256');
    expect(await refusal(await proof(es256, { token: TOKEN, header: { jwk: rsa.jwk } }))).toBe(
      'The DPoP proof jwk cannot be used with its alg',
    );
    const other = await generateKeyPair('ES256');
    expect(await refusal(await proof(es256, { token: TOKEN, signWith: other.privateKey }))).toBe(
      'The DPoP proof signature or claims are invalid',
    );
  });

  it('a tampered payload fails the signature', async () => {
    const [header, , signature] = (await proof(es256, { token: TOKEN })).split('.');
    const payload = Buffer.from(JSON.stringify({ jti: 'x', htm: 'POST', htu: URL_OF_REQUEST, iat: 1 })).toString(
      'base64url',
    );
    expect(await refusal(`${header}.${payload}.${signature}`)).toBe('The DPoP proof signature or claims are invalid');
  });

  it('htm other than the request method (RFC 9449 §4.3 step 8)', async () => {
    expect(await refusal(await proof(es256, { token: TOKEN, htm: 'GET' }))).toBe(
      'The DPoP proof htm does not match the request method',
    );
    expect(await refusal(await proof(es256, { token: TOKEN, htm: 'post' }))).toBe(
      'The DPoP proof htm does not match the request method',
    );
  });

  it('htu naming another origin, path, or no URL (RFC 9449 §4.3 step 9)', async () => {
    for (const htu of [
      'https://evil.example.com/mcp',
      'http://mcp.example.com/mcp',
      'https://mcp.example.com:8443/mcp',
      'https://mcp.example.com/other',
      'https://mcp.example.com/mcp/',
      '/mcp',
      'urn:x',
    ]) {
      expect(await refusal(await proof(es256, { token: TOKEN, htu }))).toBe(
        'The DPoP proof htu does not match the request URL',
      );
    }
  });

  it('iat outside the window, or not a number (RFC 9449 §4.3 step 11)', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await refusal(await proof(es256, { token: TOKEN, iat: now - 301 }), facts({ nowSeconds: now }))).toBe(
      'The DPoP proof is too old (iat)',
    );
    expect(await refusal(await proof(es256, { token: TOKEN, iat: now + 301 }), facts({ nowSeconds: now }))).toBe(
      'The DPoP proof is issued in the future (iat)',
    );
    expect(await refusal(await proof(es256, { token: TOKEN, claims: { iat: undefined } }))).toBe(
      'The DPoP proof has no valid iat',
    );
  });

  it('a narrower configured window', async () => {
    const strict = createDpopProofVerifier({ algorithms: ['ES256'], iatWindowSeconds: 10 });
    const now = Math.floor(Date.now() / 1000);
    await expect(
      strict(await proof(es256, { token: TOKEN, iat: now - 30 }), facts({ nowSeconds: now })),
    ).rejects.toMatchObject({ description: 'The DPoP proof is too old (iat)' });
  });

  it('missing or wrong ath (RFC 9449 §4.3 step 12)', async () => {
    expect(await refusal(await proof(es256, { token: null }))).toBe('The DPoP proof has no ath (access token hash)');
    expect(await refusal(await proof(es256, { token: 'another-token' }))).toBe(
      'The DPoP proof ath does not match the access token',
    );
  });

  it('missing jti, or a malformed nonce (RFC 9449 §4.2)', async () => {
    expect(await refusal(await proof(es256, { token: TOKEN, claims: { jti: undefined } }))).toBe(
      'The DPoP proof has no valid jti',
    );
    expect(await refusal(await proof(es256, { token: TOKEN, claims: { jti: 'j'.repeat(300) } }))).toBe(
      'The DPoP proof has no valid jti',
    );
    expect(await refusal(await proof(es256, { token: TOKEN, claims: { nonce: 42 } }))).toBe(
      'The DPoP proof nonce is malformed',
    );
  });

  it('an unknown critical header parameter', async () => {
    // jose refuses to sign it, so the JWS is assembled and signed here (RFC 7515 §5.1).
    const protectedHeader = { alg: 'ES256', typ: 'dpop+jwt', jwk: es256.jwk, crit: ['x-unknown'], 'x-unknown': 1 };
    const [, payload] = (await proof(es256, { token: TOKEN })).split('.');
    const input = `${Buffer.from(JSON.stringify(protectedHeader)).toString('base64url')}.${payload}`;
    const signature = sign('sha256', Buffer.from(input), {
      key: KeyObject.from(es256.privateKey as unknown as Parameters<typeof KeyObject.from>[0]),
      dsaEncoding: 'ieee-p1363',
    });
    expect(await refusal(`${input}.${signature.toString('base64url')}`)).toBe(
      'The DPoP proof signature or claims are invalid',
    );
  });
});

describe('helpers', () => {
  it('ath is base64url(SHA-256) of the token: the example of RFC 9449 §7.1', async () => {
    expect(await sha256Base64url('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU')).toBe(
      'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo',
    );
  });

  it('comparableHtu keeps origin and path only, and refuses what is not an http(s) URL', () => {
    expect(comparableHtu('https://A.example:443/x/./y?q#f')).toBe('https://a.example/x/y');
    expect(comparableHtu('ftp://a.example/x')).toBeUndefined();
    expect(comparableHtu('not a url')).toBeUndefined();
  });
});
