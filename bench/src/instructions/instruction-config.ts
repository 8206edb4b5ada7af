/**
 * The contract between the instruction-count runner and the process it measures under callgrind:
 * a JSON file in, nothing out (callgrind's own count is the result).
 *
 * @module
 */
import type { JWK } from 'jose';

/** The environment variable naming the input file. */
export const INSTRUCTION_CONFIG_ENV = 'BENCH_INSTRUCTION_CONFIG';

/** The algorithms counted per distinct token. */
export const INSTRUCTION_ALGORITHMS = ['RS256', 'ES256', 'EdDSA', 'HS256'] as const;
export type InstructionAlgorithm = (typeof INSTRUCTION_ALGORITHMS)[number];

/**
 * What a measured process does per token:
 * - `harness`: nothing but the loop (subtracted from every other figure);
 * - `floor`: node:crypto's own verify plus parsing (split, base64url, JSON) of the same token;
 * - `jose`: `jose.jwtVerify` with the key already imported;
 * - `pipeline`: `authenticator.authenticate()` as an adapter calls it (engine `auto`: node:crypto);
 * - `pipeline-jose`: the same with `MCP_JWT_ENGINE=jose`.
 */
export const INSTRUCTION_SUBJECTS = ['harness', 'floor', 'jose', 'pipeline', 'pipeline-jose'] as const;
export type InstructionSubject = (typeof INSTRUCTION_SUBJECTS)[number];

export interface InstructionConfig {
  subject: InstructionSubject;
  alg: InstructionAlgorithm;
  issuer: string;
  audience: string;
  /** Public JWK (asymmetric algorithms) or the shared secret (HS256). */
  publicJwk?: JWK;
  secret?: string;
  /** Tokens verified before counting starts to matter (JIT warm-up, key import, JWKS fetch). */
  warmup: number;
  /** Tokens verified after the warm-up. */
  count: number;
  /** Verifications in flight at once. */
  concurrency: number;
  tokens: string[];
}
