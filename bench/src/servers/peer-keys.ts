/**
 * Key material for the peer libraries that cannot read a JWKS themselves, fetched once at
 * start-up from the same local JWKS server mcp-warden reads. Static keys are the fastest way to
 * run these peers, so the comparison favours them.
 *
 * @module
 */
import { createPublicKey } from 'node:crypto';
import type { JWK } from 'jose';

/** The JWKS document at `jwksUri`. */
export async function fetchJwks(jwksUri: string): Promise<JWK[]> {
  const response = await fetch(jwksUri);
  if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
  const body = (await response.json()) as { keys?: JWK[] };
  if (!Array.isArray(body.keys)) throw new Error('the JWKS has no keys');
  return body.keys;
}

/** The first key's SPKI PEM (what `@fastify/jwt` takes as its public secret). */
export async function firstKeyAsPem(jwksUri: string, algorithm: string): Promise<string> {
  const keys = await fetchJwks(jwksUri);
  const jwk = keys.find((key) => key.alg === algorithm) ?? keys[0];
  if (jwk === undefined) throw new Error('the JWKS is empty');
  return createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}
