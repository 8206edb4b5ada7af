/**
 * The options of a benchmark run and the two presets, `pnpm bench` and `pnpm bench --quick`.
 *
 * @module
 */
import { FRAMEWORKS, type Framework } from './servers/server-config.js';
import { BENCH_ALGORITHMS, type BenchAlgorithm } from './tokens.js';

/** Sections of a run. */
export const SECTIONS = ['http', 'micro', 'dpop', 'cold-start', 'memory'] as const;
export type Section = (typeof SECTIONS)[number];

/** Everything a run can be told. */
export interface BenchOptions {
  mode: 'full' | 'quick';
  command: string;
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  frameworks: readonly Framework[];
  algorithms: readonly BenchAlgorithm[];
  /** Variant ids to run (all when absent). */
  only?: RegExp;
  sections: readonly Section[];
  distinctPoolSize: number;
  microTokens: number;
  microRounds: number;
  microConcurrency: number;
  /** DPoP micro benchmark: requests per pass, and rounds. */
  dpopRequests: number;
  dpopRounds: number;
  coldStartRequests: number;
  /** Unknown-`kid` cool-down given to the cold-start servers; undefined keeps the default (30 s). */
  coldStartCooldownMs?: number;
  memoryRequests: number;
  memoryWarmupRequests: number;
  memoryFrameworks: readonly Framework[];
  /** Profile the server behind each missed target. */
  profileMisses: boolean;
  note?: string;
  log: (line: string) => void;
}

/** mcp-warden's default `MCP_TOKEN_CACHE_MAX_ENTRIES`, which every warden server in the run uses. */
export const TOKEN_CACHE_ENTRIES = 10_000;

/** The settings of `pnpm bench` and `pnpm bench --quick`. */
export function defaultOptions(mode: 'full' | 'quick', log: (line: string) => void = console.log): BenchOptions {
  const quick = mode === 'quick';
  return {
    mode,
    command: quick ? 'pnpm bench --quick' : 'pnpm bench',
    rounds: quick ? 1 : 4,
    durationSeconds: quick ? 1 : 5,
    warmupSeconds: quick ? 0.3 : 1,
    connections: 10,
    frameworks: FRAMEWORKS,
    algorithms: BENCH_ALGORITHMS,
    sections: SECTIONS,
    // Larger than the verified-token cache, so cycling through the pool never hits it.
    distinctPoolSize: quick ? 3000 : TOKEN_CACHE_ENTRIES + 2000,
    microTokens: quick ? 300 : 3000,
    microRounds: quick ? 1 : 11,
    microConcurrency: 32,
    dpopRequests: quick ? 200 : 1000,
    dpopRounds: quick ? 1 : 7,
    coldStartRequests: 1000,
    ...(quick ? { coldStartCooldownMs: 1000 } : {}),
    memoryRequests: quick ? 20_000 : 1_000_000,
    memoryWarmupRequests: quick ? 2000 : 50_000,
    memoryFrameworks: quick ? ['hono'] : FRAMEWORKS,
    profileMisses: !quick,
    log,
  };
}
