/**
 * The check of one DPoP proof presented to a resource server (RFC 9449 §4.3): exactly one proof, a
 * compact JWS with `typ: dpop+jwt`, an allowlisted asymmetric `alg`, a public `jwk` and a valid
 * signature by it; then `htm`, `htu`, `iat`, `jti` and `ath`. What depends on the token (its
 * `cnf.jkt`) and on shared state (the `jti` already seen, the server nonce) is checked by the
 * caller with what this returns.
 *
 * jose does the JOSE work: key import, signature, thumbprint (RFC 7638).
 *
 * @module
 */

import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, type JWK, type JWTPayload, jwtVerify } from 'jose';
import { accessTokenHash } from './access-token-hash.js';
import { invalidDpopProof } from './dpop-failures.js';

/** What the request the proof came with says, to compare the proof's claims with. */
export interface DpopRequestFacts {
  /** The request method (`htm`). */
  method: string;
  /** The request URL without query and fragment: this resource's public origin and the request path (`htu`). */
  url: string;
  /** The access token the proof must be bound to (`ath`). */
  accessToken: string;
  /** This server's clock, seconds since the epoch. */
  nowSeconds: number;
}

/** A proof that passed every check of this module. */
export interface VerifiedDpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key, to compare with the token's `cnf.jkt`. */
  jkt: string;
  /** The proof's unique identifier (RFC 9449 §4.2), to remember against replay. */
  jti: string;
  /** When the client made the proof (seconds since the epoch). */
  iat: number;
  /** The server nonce the proof carries (RFC 9449 §9), if any. */
  nonce: string | undefined;
}

/** What {@link createDpopProofVerifier} needs. */
export interface DpopProofVerifierOptions {
  /** The allowed `alg` values; asymmetric only (RFC 9449 §4.2). */
  algorithms: readonly string[];
  /** How far `iat` may lie from this server's clock, either way, in seconds (RFC 9449 §4.3 step 11). */
  iatWindowSeconds: number;
  /** How many proof keys to keep imported (default 1000). */
  keyCacheSize?: number;
}

/** A proof key ready to verify with, and its thumbprint. */
interface ProofKey {
  key: CryptoKey;
  jkt: string;
  alg: string;
}

/** A proof is a compact JWS: three base64url segments, the signature not empty. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** A DPoP proof with an RSA-4096 key is under 2 KiB; anything much longer is not one. */
const MAX_PROOF_LENGTH = 8192;
/** `jti` values are random identifiers (RFC 9449 §4.2); a longer one is not worth storing. */
const MAX_JTI_LENGTH = 256;
/** Server nonces are short (dpop-nonces.ts); a longer one cannot be ours. */
const MAX_NONCE_LENGTH = 256;
/**
 * Members only a private or symmetric JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2): a
 * proof's `jwk` must be the public key alone (RFC 9449 §4.2), and one carrying a private key is
 * refused rather than trimmed, since its sender has leaked it.
 */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const PUBLIC_KEY_TYPES = new Set(['EC', 'RSA', 'OKP']);

function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/**
 * `url` without query and fragment, in the WHATWG URL serialisation, which applies the syntax- and
 * scheme-based normalisation RFC 9449 §4.3 step 9 asks for (case of scheme and host, default port,
 * dot segments); `undefined` when it is not an absolute http(s) URL.
 */
export function comparableHtu(url: string): string | undefined {
  const parsed = URL.parse(url);
  if (parsed === null || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return undefined;
  return `${parsed.origin}${parsed.pathname}`;
}

/**
 * Builds the proof check. The key of a proof is imported once per distinct protected header (a
 * client signs every proof with the same key, so its header repeats) and kept in a bounded map: a
 * proof costs one signature check and one hash, not a key import and a thumbprint each time.
 *
 * @example
 * ```ts
 * const verifyProof = createDpopProofVerifier({ algorithms: ['ES256'], iatWindowSeconds: 300 });
 * const proof = await verifyProof(request.dpop, {
 *   method: 'POST',
 *   url: 'https://mcp.example.com/mcp',
 *   accessToken,
 *   nowSeconds: Date.now() / 1000,
 * });
 * if (proof.jkt !== authInfo.extra?.cnf?.jkt) throw dpopKeyMismatch();
 * ```
 */
export function createDpopProofVerifier(
  options: DpopProofVerifierOptions,
): (proof: string | null | undefined, facts: DpopRequestFacts) => Promise<VerifiedDpopProof> {
  const algorithms = new Set(options.algorithms);
  const window = options.iatWindowSeconds;
  const keyCacheSize = options.keyCacheSize ?? 1000;
  const keys = new Map<string, ProofKey>();

  async function proofKey(proof: string, encodedHeader: string): Promise<ProofKey> {
    const known = keys.get(encodedHeader);
    if (known !== undefined) return known;
    const key = await importProofKey(proof, algorithms);
    if (keys.size >= keyCacheSize) {
      // Oldest first: a tenth at once, so a full map is not trimmed on every new key.
      let drop = Math.max(1, Math.floor(keyCacheSize / 10));
      for (const oldest of keys.keys()) {
        keys.delete(oldest);
        if (--drop === 0) break;
      }
    }
    keys.set(encodedHeader, key);
    return key;
  }

  return async function verifyDpopProof(header, facts) {
    // RFC 9449 §4.3 step 1: exactly one DPoP header. Adapters join repeated headers with ", ",
    // and a compact JWS never contains a comma.
    if (header === undefined || header === null || header.trim() === '') {
      throw invalidDpopProof('A DPoP proof is required with the DPoP scheme');
    }
    const proof = header.trim();
    if (proof.includes(',')) throw invalidDpopProof('Exactly one DPoP proof is allowed');
    if (proof.length > MAX_PROOF_LENGTH || !COMPACT_JWS.test(proof)) {
      throw invalidDpopProof('The DPoP proof is not a signed JWT');
    }
    const { key, jkt, alg } = await proofKey(proof, proof.slice(0, proof.indexOf('.')));

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(proof, key, { algorithms: [alg], typ: 'dpop+jwt' }));
    } catch (error) {
      throw invalidDpopProof('The DPoP proof signature or claims are invalid', error);
    }

    const { jti, htm, htu, iat, ath, nonce } = payload as Record<string, unknown>;
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
      throw invalidDpopProof('The DPoP proof has no valid jti');
    }
    if (htm !== facts.method) throw invalidDpopProof('The DPoP proof htm does not match the request method');
    if (typeof htu !== 'string' || comparableHtu(htu) !== comparableHtu(facts.url)) {
      throw invalidDpopProof('The DPoP proof htu does not match the request URL');
    }
    if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalidDpopProof('The DPoP proof has no valid iat');
    if (iat < facts.nowSeconds - window) throw invalidDpopProof('The DPoP proof is too old (iat)');
    if (iat > facts.nowSeconds + window) throw invalidDpopProof('The DPoP proof is issued in the future (iat)');
    // RFC 9449 §4.3 step 12: the proof names the very token it came with.
    if (typeof ath !== 'string') throw invalidDpopProof('The DPoP proof has no ath (access token hash)');
    if (ath !== (await accessTokenHash(facts.accessToken))) {
      throw invalidDpopProof('The DPoP proof ath does not match the access token');
    }
    if (nonce !== undefined && (typeof nonce !== 'string' || nonce === '' || nonce.length > MAX_NONCE_LENGTH)) {
      throw invalidDpopProof('The DPoP proof nonce is malformed');
    }
    return { jkt, jti, iat, nonce: nonce as string | undefined };
  };
}

/**
 * The key a proof's protected header carries: `typ` `dpop+jwt`, an allowed asymmetric `alg`, and a
 * public `jwk` of a matching type (RFC 9449 §4.2, §4.3 steps 4–7).
 */
async function importProofKey(proof: string, algorithms: ReadonlySet<string>): Promise<ProofKey> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch (error) {
    throw invalidDpopProof('The DPoP proof header is not valid JSON', error);
  }
  if (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== 'dpop+jwt') {
    throw invalidDpopProof('The DPoP proof typ must be dpop+jwt');
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || !algorithms.has(alg)) {
    throw invalidDpopProof('The DPoP proof alg is not allowed');
  }
  const jwk = header.jwk as JWK | undefined;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw invalidDpopProof('The DPoP proof has no jwk header');
  }
  for (const member of PRIVATE_MEMBERS) {
    if (member in jwk) throw invalidDpopProof('The DPoP proof jwk must be a public key');
  }
  if (typeof jwk.kty !== 'string' || !PUBLIC_KEY_TYPES.has(jwk.kty)) {
    throw invalidDpopProof('The DPoP proof jwk must be a public key');
  }
  let key: CryptoKey | Uint8Array;
  let jkt: string;
  try {
    key = await importJWK(jwk, alg);
    jkt = await calculateJwkThumbprint(jwk, 'sha256');
  } catch (error) {
    throw invalidDpopProof('The DPoP proof jwk cannot be used with its alg', error);
  }
  if (key instanceof Uint8Array || key.type !== 'public') {
    throw invalidDpopProof('The DPoP proof jwk must be a public key');
  }
  return { key, jkt, alg };
}
