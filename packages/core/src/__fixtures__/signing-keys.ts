/**
 * Test-only: fresh signing keys per test run and a token minting shortcut, so tests read as the
 * claims they care about.
 *
 * @module
 */

import {
  type CryptoKey,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  SignJWT,
} from 'jose';

export const RESOURCE = 'https://mcp.example.com/mcp';
export const ISSUER = 'https://auth.example.com/';
export const SECRET = 'test-secret-that-is-long-enough-for-hs512-0123456789-abcdefghijklmnop';

export interface TestKeyPair {
  alg: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  spki: string;
  jwk: JWK;
}

export async function testKeyPair(alg: string, kid = `${alg}-key`): Promise<TestKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    alg,
    privateKey,
    publicKey,
    spki: await exportSPKI(publicKey),
    jwk: { ...(await exportJWK(publicKey)), kid, alg },
  };
}

export interface MintOptions {
  header?: Partial<JWTHeaderParameters>;
  /** Seconds from now; default 300. `null` omits `exp`. */
  expiresIn?: number | null;
}

/** A signed token for RESOURCE from ISSUER unless the claims say otherwise. */
export async function mint(
  key: CryptoKey | Uint8Array,
  alg: string,
  claims: JWTPayload = {},
  options: MintOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = { iss: ISSUER, aud: RESOURCE, sub: 'user-1', iat: now, ...claims };
  if (options.expiresIn !== null && payload.exp === undefined) payload.exp = now + (options.expiresIn ?? 300);
  return new SignJWT(payload).setProtectedHeader({ alg, ...options.header }).sign(key);
}

export const secretBytes = new TextEncoder().encode(SECRET);
