/**
 * Imports the statically configured JWT keys once, at start-up: the shared secret, and the public
 * key given inline or in a file (SPKI PEM, X.509 PEM, JWK or JWKS). A key that cannot serve any
 * allowed algorithm is a configuration error, raised before the first request.
 *
 * @module
 */

import {
  type CryptoKey,
  createLocalJWKSet,
  type FlattenedJWSInput,
  importJWK,
  importSPKI,
  importX509,
  type JWK,
  type JWTHeaderParameters,
} from 'jose';
import { ConfigError } from '../errors/config-error.js';
import { isSymmetricAlgorithm } from './jwt-algorithms.js';
import { type KeyMaterial, parseKeyMaterial } from './key-material.js';

/** The runtime's hook for work that may outlive the request (see `AuthRequest.waitUntil`). */
export type WaitUntil = (promise: Promise<unknown>) => void;

/**
 * Resolves the verification key for a token's protected header (alg already allowlisted by jose).
 * `waitUntil`, when the request has one, receives any key fetch the call starts.
 */
export type JwtKeyResolver = (
  header: JWTHeaderParameters,
  token: FlattenedJWSInput,
  waitUntil?: WaitUntil,
) => Promise<CryptoKey | Uint8Array> | CryptoKey | Uint8Array;

/** Thrown by a resolver when no configured key can verify the token's algorithm. */
export class NoUsableKeyError extends Error {
  override name = 'NoUsableKeyError';
}

const encoder = new TextEncoder();

/** A resolver for HS* tokens from the shared secret (RFC 7518 §3.2), or undefined without a secret. */
export function secretKeyResolver(secret: string | undefined): JwtKeyResolver | undefined {
  if (secret === undefined) return undefined;
  const key = encoder.encode(secret);
  return () => key;
}

const KTY_FOR_ALG: Record<string, string> = { RS: 'RSA', PS: 'RSA', ES: 'EC', Ed: 'OKP' };

function ktyOf(alg: string): string | undefined {
  return KTY_FOR_ALG[alg.slice(0, 2)];
}

/**
 * Imports a public key for every allowed asymmetric algorithm it can serve and returns a resolver
 * that picks the one matching the token's `alg`. For a JWKS, selection by `kid` is jose's local
 * JWK set (keys are imported and cached per algorithm on first use).
 *
 * @param variable the variable (or option) to name in a {@link ConfigError}.
 * @param algorithmsName the variable (or option) that lists the allowed algorithms.
 */
export async function importPublicKeys(
  text: string,
  algorithms: readonly string[],
  variable: string,
  algorithmsName = 'MCP_JWT_ALGORITHM',
): Promise<JwtKeyResolver> {
  const asymmetric = algorithms.filter((alg) => !isSymmetricAlgorithm(alg));
  const fail = (message: string): never => {
    throw new ConfigError([{ variable, message }]);
  };
  if (asymmetric.length === 0)
    fail(`is set but ${algorithmsName} allows no asymmetric algorithm (RS*, PS*, ES*, EdDSA)`);
  let material: KeyMaterial;
  try {
    material = parseKeyMaterial(text);
  } catch (error) {
    return fail((error as Error).message);
  }

  if (material.kind === 'jwks') {
    let usable = 0;
    for (const jwk of material.jwks.keys) usable += (await importJwkForAlgorithms(jwk, asymmetric)).size;
    if (usable === 0) fail(`has no key usable with ${asymmetric.join(', ')}`);
    return createLocalJWKSet(material.jwks);
  }

  const keys =
    material.kind === 'jwk'
      ? await importJwkForAlgorithms(material.jwk, asymmetric)
      : await importPemForAlgorithms(material, asymmetric);
  if (keys.size === 0) {
    fail(
      `could not be imported for ${asymmetric.join(', ')}; the key type must match ${algorithmsName} (RSA ≥ 2048 bits for RS*/PS*, EC P-256/P-384/P-521 for ES256/384/512, Ed25519 for EdDSA)`,
    );
  }
  return (header) => {
    const key = keys.get(header.alg ?? '');
    if (key === undefined) throw new NoUsableKeyError(`no configured key for ${header.alg}`);
    return key;
  };
}

async function importPemForAlgorithms(
  material: Extract<KeyMaterial, { kind: 'spki-pem' | 'x509-pem' }>,
  algorithms: readonly string[],
): Promise<Map<string, CryptoKey>> {
  const keys = new Map<string, CryptoKey>();
  for (const alg of algorithms) {
    try {
      const key =
        material.kind === 'spki-pem' ? await importSPKI(material.pem, alg) : await importX509(material.pem, alg);
      if (isStrongEnough(key)) keys.set(alg, key);
    } catch {
      // Not this algorithm's key type; another allowed algorithm may fit.
    }
  }
  return keys;
}

async function importJwkForAlgorithms(jwk: JWK, algorithms: readonly string[]): Promise<Map<string, CryptoKey>> {
  const keys = new Map<string, CryptoKey>();
  if (jwk.use !== undefined && jwk.use !== 'sig') return keys;
  for (const alg of algorithms) {
    if (jwk.alg !== undefined && jwk.alg !== alg) continue;
    if (ktyOf(alg) !== jwk.kty) continue;
    try {
      const key = await importJWK(jwk, alg);
      if (typeof key !== 'object' || !('type' in key) || key.type !== 'public') continue;
      if (isStrongEnough(key)) keys.set(alg, key);
    } catch {
      // Wrong curve or malformed for this algorithm.
    }
  }
  return keys;
}

/** jose refuses RSA keys under 2048 bits at verification; refusing them at start-up says why. */
function isStrongEnough(key: CryptoKey): boolean {
  const modulusLength = (key.algorithm as { modulusLength?: number }).modulusLength;
  return modulusLength === undefined || modulusLength >= 2048;
}
