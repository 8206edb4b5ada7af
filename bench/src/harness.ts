/**
 * The benchmark harness: sets up keys, tokens and the JWKS server, runs every selected HTTP
 * variant in alternating order across rounds (the bare framework measured in the same run as
 * the variants compared with it), then the micro benchmark, the cold-start and the memory
 * tests, evaluates the targets and profiles the server behind each missed one.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchReport, ProfileReport, RunSettingsReport, VariantReport } from './bench-report.js';
import { runColdStart } from './cold-start.js';
import { compareProfiles, summarizeProfileDir } from './cpu-profile.js';
import { startJwksServer } from './jwks-server.js';
import { currentLoad, describeMachine } from './machine.js';
import { type MemoryResult, runMemoryGrowth } from './memory-growth.js';
import type { MicroResult } from './micro/micro-config.js';
import { runMicroBenchmark } from './micro-run.js';
import { FRAMEWORKS, type Framework } from './servers/server-config.js';
import { median } from './stats.js';
import { evaluateTargets } from './targets.js';
import {
  AUDIENCE,
  BENCH_ALGORITHMS,
  type BenchAlgorithm,
  createSigningKey,
  type SigningKey,
  signAccessToken,
  signTokenPool,
} from './tokens.js';
import { runVariantOnce, type TokenSource, type VariantSample } from './variant-run.js';
import { allVariants, SCENARIO_LABELS, type Variant, type VariantContext } from './variants.js';

/** Sections of a run. */
export const SECTIONS = ['http', 'micro', 'cold-start', 'memory'] as const;
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
const TOKEN_CACHE_ENTRIES = 10_000;

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
    microRounds: quick ? 1 : 5,
    microConcurrency: 32,
    coldStartRequests: 1000,
    ...(quick ? { coldStartCooldownMs: 1000 } : {}),
    memoryRequests: quick ? 20_000 : 1_000_000,
    memoryWarmupRequests: quick ? 2000 : 50_000,
    memoryFrameworks: quick ? ['hono'] : FRAMEWORKS,
    profileMisses: !quick,
    log,
  };
}

interface Keys {
  byAlg: Record<BenchAlgorithm, SigningKey>;
}

/**
 * Per-round comparison: each round's figure is divided by (or subtracted from) the baseline's
 * figure of the same round, then the median is taken. A shared machine drifts between rounds far
 * more than between two neighbouring runs, and the rounds put every mcp-warden repeated-token
 * variant right next to its baseline.
 */
function perRound(
  samples: readonly VariantSample[],
  baseline: readonly VariantSample[],
  compare: (ours: VariantSample, theirs: VariantSample) => number,
): number {
  const values: number[] = [];
  for (let round = 0; round < Math.min(samples.length, baseline.length); round++) {
    values.push(compare(samples[round]!, baseline[round]!));
  }
  return median(values);
}

function summarise(
  variant: Variant,
  baselineId: string,
  samples: VariantSample[],
  baseline: VariantSample[],
): VariantReport {
  const problems: string[] = [];
  for (const sample of samples) {
    for (const [status, count] of Object.entries(sample.unexpected)) {
      problems.push(`${count} answers with status ${status} (expected ${variant.expectedStatus})`);
    }
    if (sample.errors > 0) problems.push(`${sample.errors} connection errors or timeouts`);
    if (sample.requests === 0) problems.push('no response at all');
  }
  if (samples.length !== baseline.length) problems.push('a round is missing for this variant or its baseline');
  return {
    id: variant.id,
    group: variant.group,
    framework: variant.framework,
    library: variant.library,
    scenario: variant.scenario,
    label: SCENARIO_LABELS[variant.scenario],
    ...(variant.note === undefined ? {} : { note: variant.note }),
    baseline: variant.baseline,
    baselineId,
    samples,
    rps: median(samples.map((s) => s.rps)),
    p50Ms: median(samples.map((s) => s.p50Ms)),
    p99Ms: median(samples.map((s) => s.p99Ms)),
    rssMiB: median(samples.map((s) => s.rssBytes)) / 1024 ** 2,
    cpuUsPerRequest: median(samples.map((s) => s.cpuUsPerRequest)),
    addedCpuUs: perRound(samples, baseline, (ours, theirs) => ours.cpuUsPerRequest - theirs.cpuUsPerRequest),
    ratio: perRound(samples, baseline, (ours, theirs) => ours.rps / theirs.rps),
    addedP99Ms: perRound(samples, baseline, (ours, theirs) => ours.p99Ms - theirs.p99Ms),
    wellFormed: problems.length === 0 && samples.length > 0,
    problems,
  };
}

/** Runs the HTTP variants: `rounds` passes, every other one in reverse order. */
async function runHttp(
  options: BenchOptions,
  context: VariantContext,
  tokens: TokenSource,
  failures: string[],
): Promise<VariantReport[]> {
  const catalogue = allVariants(options.frameworks);
  const selected = catalogue.filter((v) => {
    if (v.credential.kind === 'token' && !options.algorithms.includes(v.credential.alg)) return false;
    return options.only === undefined || options.only.test(v.id);
  });
  // A variant is compared with its group's baseline, which therefore always runs too.
  const groups = new Set(selected.map((v) => v.group));
  const variants = catalogue.filter((v) => selected.includes(v) || (v.baseline && groups.has(v.group)));
  const samples = new Map<string, VariantSample[]>(variants.map((v) => [v.id, []]));
  const settings = {
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
  };
  const broken = new Set<string>();
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const [index, variant] of order.entries()) {
      if (broken.has(variant.id)) continue;
      try {
        const sample = await runVariantOnce(variant, context, tokens, settings);
        samples.get(variant.id)!.push(sample);
        options.log(
          `round ${round + 1}/${options.rounds} [${index + 1}/${order.length}] ${variant.id}: ${Math.round(sample.rps)} req/s, p99 ${sample.p99Ms.toFixed(2)} ms`,
        );
      } catch (error) {
        broken.add(variant.id);
        failures.push(`HTTP variant ${(error as Error).message}`);
        options.log(`FAILED ${(error as Error).message}`);
      }
    }
  }
  const baselineOf = new Map(variants.filter((v) => v.baseline).map((v) => [v.group, v.id]));
  return variants.map((variant) => {
    const baselineId = baselineOf.get(variant.group)!;
    return summarise(variant, baselineId, samples.get(variant.id)!, samples.get(baselineId)!);
  });
}

async function profileMisses(
  report: Pick<BenchReport, 'targets' | 'variants'>,
  options: BenchOptions,
  context: VariantContext,
  tokens: TokenSource,
  microInput: () => Omit<Parameters<typeof runMicroBenchmark>[0], 'algorithms'> & {
    algorithms: Parameters<typeof runMicroBenchmark>[0]['algorithms'];
  },
): Promise<ProfileReport[]> {
  const subjects = new Map<string, string[]>();
  for (const target of report.targets) {
    if (target.met !== false || target.profileSubject === undefined) continue;
    const list = subjects.get(target.profileSubject) ?? [];
    list.push(`${target.kind}: ${target.subject}`);
    subjects.set(target.profileSubject, list);
  }
  const profiles: ProfileReport[] = [];
  for (const [subject, targets] of subjects) {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-warden-prof-'));
    try {
      options.log(`profiling ${subject} (missed: ${targets.join('; ')})`);
      if (subject.startsWith('micro:')) {
        const alg = subject.slice('micro:'.length) as BenchAlgorithm;
        const input = microInput();
        await runMicroBenchmark(
          { ...input, pipelineOnly: true, algorithms: input.algorithms.filter((a) => a.alg === alg) },
          dir,
        );
      } else {
        const variant = allVariants(options.frameworks).find((v) => v.id === subject);
        if (variant === undefined) continue;
        const profileRun = async (which: Variant, into: string) => {
          const sample = await runVariantOnce(which, context, tokens, {
            connections: options.connections,
            durationSeconds: options.durationSeconds,
            warmupSeconds: options.warmupSeconds,
            cpuProfileDir: into,
          });
          return { summary: summarizeProfileDir(into), requests: sample.requests + sample.warmupRequests };
        };
        const ours = await profileRun(variant, dir);
        const baselineVariant = allVariants(options.frameworks).find((v) => v.baseline && v.group === variant.group)!;
        const baseDir = mkdtempSync(join(tmpdir(), 'mcp-warden-prof-'));
        try {
          const theirs = await profileRun(baselineVariant, baseDir);
          profiles.push({
            subject,
            targets,
            ...ours,
            baseline: {
              subject: baselineVariant.id,
              requests: theirs.requests,
              busyUsPerRequest: (theirs.summary.busyMs * 1000) / theirs.requests,
              added: compareProfiles(ours.summary, ours.requests, theirs.summary, theirs.requests),
            },
          });
        } finally {
          rmSync(baseDir, { recursive: true, force: true });
        }
        continue;
      }
      profiles.push({ subject, targets, summary: summarizeProfileDir(dir) });
    } catch (error) {
      options.log(`profile of ${subject} failed: ${(error as Error).message}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return profiles;
}

/** Runs the benchmark and returns its report. */
export async function runBenchmark(options: BenchOptions): Promise<BenchReport> {
  const started = new Date();
  const loadAtStart = currentLoad();
  const log = options.log;
  const failures: string[] = [];
  const jwks = await startJwksServer();
  try {
    const keys: Keys = { byAlg: {} as Record<BenchAlgorithm, SigningKey> };
    for (const alg of BENCH_ALGORITHMS) keys.byAlg[alg] = await createSigningKey(alg, `${alg.toLowerCase()}-1`);
    jwks.publish(
      'main',
      Object.values(keys.byAlg).map((k) => k.publicJwk),
    );
    const context: VariantContext = { issuer: jwks.issuer, jwksUri: jwks.url('main') };

    const wantsPools = options.sections.includes('http') || options.sections.includes('micro');
    const poolSize = Math.max(
      options.sections.includes('http') ? options.distinctPoolSize : 0,
      options.microTokens + 1,
    );
    const pools: TokenSource['pools'] = {};
    if (wantsPools) {
      for (const alg of options.algorithms) {
        const t = performance.now();
        pools[alg] = await signTokenPool(keys.byAlg[alg], jwks.issuer, poolSize);
        log(`signed ${poolSize} distinct ${alg} tokens in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      }
    }
    const tokens: TokenSource = {
      repeated: await signAccessToken(keys.byAlg.RS256, { issuer: jwks.issuer }),
      pools,
      cacheEntries: TOKEN_CACHE_ENTRIES,
    };

    const variants = options.sections.includes('http') ? await runHttp(options, context, tokens, failures) : [];

    const microInput = () => ({
      issuer: jwks.issuer,
      audience: AUDIENCE,
      jwksUri: context.jwksUri,
      rounds: options.microRounds,
      concurrency: options.microConcurrency,
      algorithms: options.algorithms.map((alg) => ({
        alg,
        tokens: pools[alg]!.slice(0, options.microTokens + 1),
        publicJwk: keys.byAlg[alg].publicJwk,
      })),
    });
    let micro: MicroResult[] = [];
    if (options.sections.includes('micro')) {
      log('micro benchmark: verification pipeline vs raw jose.jwtVerify');
      try {
        micro = await runMicroBenchmark(microInput());
      } catch (error) {
        failures.push(`micro benchmark: ${(error as Error).message}`);
      }
    }

    let coldStart: BenchReport['coldStart'] = [];
    if (options.sections.includes('cold-start')) {
      try {
        coldStart = await runColdStart(jwks, keys.byAlg.RS256, {
          frameworks: options.frameworks,
          requests: options.coldStartRequests,
          jwksDelayMs: 200,
          ...(options.coldStartCooldownMs === undefined ? {} : { cooldownMs: options.coldStartCooldownMs }),
          log,
        });
      } catch (error) {
        failures.push(`cold start: ${(error as Error).message}`);
      }
    }

    const memory: MemoryResult[] = [];
    if (options.sections.includes('memory')) {
      for (const framework of options.memoryFrameworks.filter((f) => options.frameworks.includes(f))) {
        log(`memory: ${options.memoryRequests.toLocaleString('en-US')} distinct invalid tokens on ${framework}`);
        try {
          const result = await runMemoryGrowth(framework, context, tokens.repeated, {
            requests: options.memoryRequests,
            warmupRequests: options.memoryWarmupRequests,
            connections: options.connections,
          });
          memory.push(result);
          log(
            `memory ${framework}: RSS ${(result.rssBeforeBytes / 1024 ** 2).toFixed(1)} → ${(result.rssAfterBytes / 1024 ** 2).toFixed(1)} MB in ${(result.durationMs / 1000).toFixed(0)} s`,
          );
        } catch (error) {
          failures.push(`memory (${framework}): ${(error as Error).message}`);
        }
      }
    }

    const targets = evaluateTargets({ variants, micro, coldStart, memory });
    const profiles = options.profileMisses
      ? await profileMisses({ targets, variants }, options, context, tokens, microInput)
      : [];
    const finished = new Date();
    return {
      command: options.command,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationSeconds: Math.round((finished.getTime() - started.getTime()) / 1000),
      settings: settingsOf(options, poolSize),
      machine: describeMachine(),
      loadAverage: { start: loadAtStart, end: currentLoad() },
      ...(options.note === undefined ? {} : { note: options.note }),
      variants,
      micro,
      coldStart,
      memory,
      targets,
      profiles,
      failures,
    };
  } finally {
    await jwks.close();
  }
}

function settingsOf(options: BenchOptions, poolSize: number): RunSettingsReport {
  return {
    mode: options.mode,
    rounds: options.rounds,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
    connections: options.connections,
    distinctPoolSize: poolSize,
    microTokens: options.microTokens,
    microRounds: options.microRounds,
    microConcurrency: options.microConcurrency,
    coldStartRequests: options.coldStartRequests,
    memoryRequests: options.memoryRequests,
  };
}
