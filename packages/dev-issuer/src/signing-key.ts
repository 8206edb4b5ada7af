/**
 * Signing keys for the development issuer: a fresh RSA key pair per start and per rotation, never
 * written to disk.
 *
 * @module
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** The JWS algorithm the issuer signs with (RFC 7518 §3.3); every JOSE library verifies it. */
export const SIGNING_ALGORITHM = 'RS256';

/** A private signing key as a JWK with `kid`, `alg` and `use` set, ready for oidc-provider's `jwks`. */
export async function generateSigningKey(): Promise<JWK & { kid: string }> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  // RFC 7638 thumbprint as `kid`: unique per key, so the JWKS never lists two keys under one kid.
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' };
}
