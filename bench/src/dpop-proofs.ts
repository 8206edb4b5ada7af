/**
 * DPoP proofs for the benchmark (RFC 9449 §4.2): the client key a bound token names in `cnf.jkt`,
 * and pools of proofs, each with its own `jti`, made just before a run so every request carries a
 * fresh one, as a DPoP client sends (a proof is single-use: a replay is refused).
 *
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** The algorithm the HTTP variants' clients sign proofs with: the MCP SDK client's default. */
export const PROOF_ALGORITHM = 'ES256';

/** The proof algorithms the DPoP section measures: mcp-warden's default `MCP_DPOP_ALGORITHMS`. */
export const PROOF_ALGORITHMS = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;
export type ProofAlgorithm = (typeof PROOF_ALGORITHMS)[number];

/** A DPoP client's key pair and its RFC 7638 thumbprint. */
export interface DpopClientKey {
  alg: ProofAlgorithm;
  privateKey: CryptoKey;
  publicJwk: JWK;
  jkt: string;
}

/** A client key for `alg` (P-256, Ed25519, or RSA 2048). */
export async function createDpopClientKey(alg: ProofAlgorithm = PROOF_ALGORITHM): Promise<DpopClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const publicJwk = await exportJWK(publicKey);
  return { alg, privateKey: privateKey as CryptoKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk) };
}

/** What every proof of a pool is for: one method and URL, one access token. */
export interface ProofTarget {
  htm: string;
  htu: string;
  accessToken: string;
}

/**
 * `count` distinct proofs for `target`, signed in batches (WebCrypto runs on libuv's thread pool,
 * so a few signatures in flight use every core).
 */
export async function signProofPool(key: DpopClientKey, target: ProofTarget, count: number): Promise<string[]> {
  const ath = createHash('sha256').update(target.accessToken).digest('base64url');
  const iat = Math.floor(Date.now() / 1000);
  const proofs: string[] = new Array(count);
  const batch = 32;
  for (let start = 0; start < count; start += batch) {
    const end = Math.min(count, start + batch);
    const signed = await Promise.all(
      Array.from({ length: end - start }, () =>
        new SignJWT({ jti: randomUUID(), htm: target.htm, htu: target.htu, iat, ath })
          .setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.publicJwk })
          .sign(key.privateKey),
      ),
    );
    for (let i = 0; i < signed.length; i++) proofs[start + i] = signed[i]!;
  }
  return proofs;
}
