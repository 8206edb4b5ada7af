/**
 * The contract between the runner and the DPoP micro-benchmark process: a JSON file in, a JSON
 * file out.
 *
 * @module
 */
import type { ProofAlgorithm } from '../dpop-proofs.js';

/** The environment variable naming the input file. */
export const DPOP_MICRO_CONFIG_ENV = 'BENCH_DPOP_MICRO_CONFIG';

/** What the DPoP micro benchmark measures. */
export interface DpopMicroConfig {
  issuer: string;
  audience: string;
  jwksUri: string;
  /** The repeated RS256 access token of the Bearer baseline. */
  bearerToken: string;
  rounds: number;
  /** Requests per pass. */
  requests: number;
  /** Per proof algorithm: a token bound to its key, and `rounds * requests + 1` distinct proofs (POST, the audience). */
  proofs: Array<{ alg: ProofAlgorithm; token: string; proofs: string[] }>;
  /** Where to write the {@link DpopMicroResult}s. */
  resultFile: string;
}

/** The cost of one DPoP request next to one Bearer request, per proof algorithm (medians across rounds). */
export interface DpopMicroResult {
  alg: ProofAlgorithm;
  requests: number;
  rounds: number;
  /** CPU time (user + system, all threads) per `authenticate()` with the repeated Bearer token, µs. */
  bearerCpuUs: number;
  /** The same with the bound token and a fresh proof, µs. */
  dpopCpuUs: number;
  /** DPoP minus Bearer, round by round, µs. */
  addedCpuUs: number;
  /**
   * CPU per `jose.jwtVerify` of the same proofs with their key already imported, µs: the signature
   * check alone, the floor of what a proof can cost.
   */
  joseCpuUs: number;
  /** Sequential DPoP requests per second, one at a time. */
  dpopPerSecond: number;
}
