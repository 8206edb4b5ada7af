/**
 * The JWS algorithms mcp-warden verifies, and what kind of key each needs. The allowlist comes
 * from configuration, never from a token (RFC 8725 §3.1).
 *
 * @module
 */

/**
 * Every JWS algorithm accepted in `MCP_JWT_ALGORITHM`. `none` is deliberately absent (RFC 8725 §3.1).
 *
 * @example
 * ```ts
 * SUPPORTED_JWT_ALGORITHMS.includes('ES256'); // true
 * ```
 */
export const SUPPORTED_JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** One algorithm of {@link SUPPORTED_JWT_ALGORITHMS}. */
export type JwtAlgorithm = (typeof SUPPORTED_JWT_ALGORITHMS)[number];

const CANONICAL = new Map<string, JwtAlgorithm>(SUPPORTED_JWT_ALGORITHMS.map((alg) => [alg.toUpperCase(), alg]));

/** The canonical spelling of a configured algorithm name (`rs256` → `RS256`), or undefined if unsupported. */
export function canonicalJwtAlgorithm(name: string): JwtAlgorithm | undefined {
  return CANONICAL.get(name.trim().toUpperCase());
}

/** Whether `alg` is an HMAC algorithm, verified with a shared secret. */
export function isSymmetricAlgorithm(alg: string): boolean {
  return alg.startsWith('HS');
}

/**
 * The minimum secret length in bytes for an HMAC algorithm: RFC 7518 §3.2 requires a key at least
 * as long as the hash output.
 */
export function minimumSecretBytes(alg: string): number {
  return alg === 'HS512' ? 64 : alg === 'HS384' ? 48 : 32;
}
