/**
 * The shape of a benchmark run's results: what RESULTS.md is rendered from and what the harness
 * test checks.
 *
 * @module
 */
import type { ColdStartResult } from './cold-start.js';
import type { ProfileDelta, ProfileSummary } from './cpu-profile.js';
import type { MachineDescription } from './machine.js';
import type { MemoryResult } from './memory-growth.js';
import type { DpopMicroResult } from './micro/dpop-micro-config.js';
import type { MicroResult } from './micro/micro-config.js';
import type { Framework } from './servers/server-config.js';
import type { VariantSample } from './variant-run.js';
import type { Scenario } from './variants.js';

/** A variant's figures: medians across rounds, and ratios to its baseline from the same run. */
export interface VariantReport {
  id: string;
  group: string;
  framework: Framework;
  library: string;
  scenario: Scenario;
  label: string;
  note?: string;
  baseline: boolean;
  baselineId: string;
  samples: VariantSample[];
  rps: number;
  p50Ms: number;
  p99Ms: number;
  rssMiB: number;
  /** Server CPU time per response, µs (median across rounds). */
  cpuUsPerRequest: number;
  /** Server CPU per response minus the baseline's, µs. */
  addedCpuUs: number;
  /** Throughput as a share of the baseline's. */
  ratio: number;
  /** p99 latency minus the baseline's, in ms. */
  addedP99Ms: number;
  /** Every answer had the expected status and no connection failed. */
  wellFormed: boolean;
  problems: string[];
}

/** One performance target (docs/performance.md), evaluated. */
export interface TargetResult {
  /** The target family: `repeated-throughput`, `repeated-p99`, `distinct`, `cold-start`, `memory`, `peers`. */
  kind: string;
  subject: string;
  required: string;
  figure: string;
  /** `null` when not measured at the target's scale (quick mode). */
  met: boolean | null;
  /** By how much it was met or missed. */
  margin: string;
  /** What to profile when missed: an HTTP variant id, or `micro:<alg>`. */
  profileSubject?: string;
}

/** A CPU profile taken to explain a missed target. */
export interface ProfileReport {
  subject: string;
  targets: string[];
  summary: ProfileSummary;
  /** Requests the profiled server answered (warm-up included), when known. */
  requests?: number;
  /** The same profile of the variant's baseline, and what the variant adds per request. */
  baseline?: { subject: string; requests: number; busyUsPerRequest: number; added: ProfileDelta[] };
}

/** Settings a run used. */
export interface RunSettingsReport {
  mode: 'full' | 'quick';
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  distinctPoolSize: number;
  microTokens: number;
  microRounds: number;
  microConcurrency: number;
  coldStartRequests: number;
  memoryRequests: number;
}

/** Everything one run produced. */
export interface BenchReport {
  command: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  settings: RunSettingsReport;
  machine: MachineDescription;
  loadAverage: { start: number; end: number };
  note?: string;
  variants: VariantReport[];
  micro: MicroResult[];
  /** What a DPoP proof adds per request (absent in reports written before the section existed). */
  dpop?: DpopMicroResult[];
  coldStart: ColdStartResult[];
  memory: MemoryResult[];
  targets: TargetResult[];
  profiles: ProfileReport[];
  /** Sections that failed, with the reason; the rest of the report still stands. */
  failures: string[];
}
