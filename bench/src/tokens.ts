/**
 * Signing keys and access tokens for the benchmark: one key per algorithm, RFC 9068 access
 * tokens (`typ: at+jwt`) with the claims an MCP client's token carries, and pools of distinct
 * tokens so a run can defeat every verified-token cache.
 *
 * @module
 */
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** The audience every benchmark server expects (mcp-warden's resource URL, the peers' `audience`). */
export const AUDIENCE = 'https://mcp.bench.test/mcp';

/** The algorithms measured with distinct tokens. */
export const BENCH_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type BenchAlgorithm = (typeof BENCH_ALGORITHMS)[number];

/** A private key for signing and its public JWK for the JWKS server. */
export interface SigningKey {
  alg: BenchAlgorithm;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** Generates a key pair (RSA 2048, P-256 or Ed25519). */
export async function createSigningKey(alg: BenchAlgorithm, kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey: privateKey as CryptoKey, publicJwk };
}

/** Claims and header choices for one token. */
export interface TokenOptions {
  issuer: string;
  /** Makes the token unique (RFC 7519 `jti`). */
  jti?: string;
  /** `at+jwt` (RFC 9068) unless told otherwise. */
  typ?: string;
  /** Lifetime in seconds (default two hours: longer than any run). */
  lifetimeSeconds?: number;
  /** Binds the token to a DPoP key: its RFC 7638 thumbprint (`cnf.jkt`, RFC 9449 §6.1). */
  jkt?: string;
}

/** A signed access token for {@link AUDIENCE}. */
export function signAccessToken(key: SigningKey, options: TokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    client_id: 'bench-client',
    scope: 'mcp:tools',
    ...(options.jti === undefined ? {} : { jti: options.jti }),
    ...(options.jkt === undefined ? {} : { cnf: { jkt: options.jkt } }),
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: options.typ ?? 'at+jwt' })
    .setIssuer(options.issuer)
    .setAudience(AUDIENCE)
    .setSubject('bench-user')
    .setIssuedAt(now)
    .setExpirationTime(now + (options.lifetimeSeconds ?? 7200))
    .sign(key.privateKey);
}

/**
 * `count` distinct tokens. Signing goes through WebCrypto, which runs on libuv's thread pool, so
 * a few signatures in flight use every core.
 */
export async function signTokenPool(key: SigningKey, issuer: string, count: number): Promise<string[]> {
  const tokens: string[] = new Array(count);
  const batch = 32;
  for (let start = 0; start < count; start += batch) {
    const end = Math.min(count, start + batch);
    const signed = await Promise.all(
      Array.from({ length: end - start }, (_, i) => signAccessToken(key, { issuer, jti: `${key.kid}-${start + i}` })),
    );
    for (let i = 0; i < signed.length; i++) tokens[start + i] = signed[i]!;
  }
  return tokens;
}
