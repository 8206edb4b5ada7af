/**
 * The contract between the runner and the micro-benchmark process: a JSON file in, a JSON file
 * out.
 *
 * @module
 */
import type { JWK } from 'jose';
import type { BenchAlgorithm } from '../tokens.js';

/** The environment variable naming the input file. */
export const MICRO_CONFIG_ENV = 'BENCH_MICRO_CONFIG';

/** What the micro benchmark measures. */
export interface MicroConfig {
  issuer: string;
  audience: string;
  jwksUri: string;
  rounds: number;
  /** Verifications in flight in the concurrent mode. */
  concurrency: number;
  /** Per algorithm: distinct tokens and the public key (for raw jose and node:crypto). */
  algorithms: Array<{ alg: BenchAlgorithm; tokens: string[]; publicJwk: JWK }>;
  /** Only the pipeline's concurrent passes (to profile it). */
  pipelineOnly?: boolean;
  /** Where to write the {@link MicroResult}s. */
  resultFile: string;
}

/** Verifications per second of one algorithm, median across rounds. */
export interface MicroResult {
  alg: BenchAlgorithm;
  tokens: number;
  rounds: number;
  concurrency: number;
  sequential: { jose: number; pipeline: number };
  concurrent: { jose: number; pipeline: number };
  /** node:crypto's own synchronous verify of the same tokens: the floor for an uncached token. */
  nodeCrypto: number;
}
