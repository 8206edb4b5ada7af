/**
 * Test-only: DPoP proofs (RFC 9449 §4.2) as a client makes them, with every claim and header
 * overridable, so each negative case states the one thing it gets wrong.
 *
 * @module
 */

import { createHash, randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTHeaderParameters,
  SignJWT,
} from 'jose';

/** A client's DPoP key pair and its thumbprint (the `cnf.jkt` a token bound to it carries). */
export interface DpopKey {
  alg: string;
  privateKey: CryptoKey;
  /** The public JWK, as a proof's `jwk` header carries it. */
  jwk: JWK;
  /** The private JWK, for the "leaked private key" cases. */
  privateJwk: JWK;
  jkt: string;
}

export async function dpopKey(alg = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { alg, privateKey, jwk, privateJwk: await exportJWK(privateKey), jkt: await calculateJwkThumbprint(jwk) };
}

/** base64url(SHA-256(token)): the `ath` of a proof for `token` (RFC 9449 §4.2). */
export function ath(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export interface ProofOptions {
  htm?: string;
  htu?: string;
  /** The token to bind with `ath`; `null` leaves `ath` out. */
  token?: string | null;
  /** Seconds since the epoch; default now. */
  iat?: number;
  jti?: string;
  nonce?: string;
  /** Replaces or adds claims (`undefined` values remove one). */
  claims?: Record<string, unknown>;
  /** Replaces or adds protected-header parameters. */
  header?: Partial<JWTHeaderParameters> & Record<string, unknown>;
  /** Signs with this key instead of the DPoP key's own (an HMAC secret, another key). */
  signWith?: CryptoKey | Uint8Array;
}

/** A proof signed by `key` for `htm` (default POST) at `htu`, carrying `ath` of `token`. */
export async function proof(key: DpopKey, options: ProofOptions = {}): Promise<string> {
  const payload: Record<string, unknown> = {
    jti: options.jti ?? randomUUID(),
    htm: options.htm ?? 'POST',
    htu: options.htu ?? 'https://mcp.example.com/mcp',
    iat: options.iat ?? Math.floor(Date.now() / 1000),
  };
  if (options.token !== undefined && options.token !== null) payload.ath = ath(options.token);
  if (options.nonce !== undefined) payload.nonce = options.nonce;
  for (const [name, value] of Object.entries(options.claims ?? {})) {
    if (value === undefined) delete payload[name];
    else payload[name] = value;
  }
  const header = { alg: key.alg, typ: 'dpop+jwt', jwk: key.jwk, ...options.header } as JWTHeaderParameters;
  return new SignJWT(payload).setProtectedHeader(header).sign(options.signWith ?? key.privateKey);
}
