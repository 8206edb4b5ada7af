/**
 * The benchmark harness: sets up keys, tokens and the JWKS server, runs every selected HTTP
 * variant in alternating order across rounds (the bare framework measured in the same run as
 * the variants compared with it), then the micro benchmark, the cold-start and the memory
 * tests, evaluates the targets and profiles the server behind each missed one.
 *
 * @module
 */
import { type BenchOptions, TOKEN_CACHE_ENTRIES } from './bench-options.js';
import type { BenchReport, RunSettingsReport } from './bench-report.js';
import { runColdStart } from './cold-start.js';
import { createDpopClientKey, PROOF_ALGORITHMS, signProofPool } from './dpop-proofs.js';
import { runHttpRounds } from './http-rounds.js';
import { startJwksServer } from './jwks-server.js';
import { currentLoad, describeMachine } from './machine.js';
import { type MemoryResult, runMemoryGrowth } from './memory-growth.js';
import type { DpopMicroConfig, DpopMicroResult } from './micro/dpop-micro-config.js';
import type { MicroResult } from './micro/micro-config.js';
import { runDpopMicroBenchmark, runMicroBenchmark } from './micro-run.js';
import { profileMisses } from './miss-profiles.js';
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
import type { TokenSource } from './variant-run.js';
import type { VariantContext } from './variants.js';

interface Keys {
  byAlg: Record<BenchAlgorithm, SigningKey>;
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
    const dpopKey = await createDpopClientKey();
    const tokens: TokenSource = {
      repeated: await signAccessToken(keys.byAlg.RS256, { issuer: jwks.issuer }),
      pools,
      cacheEntries: TOKEN_CACHE_ENTRIES,
      dpop: { token: await signAccessToken(keys.byAlg.RS256, { issuer: jwks.issuer, jkt: dpopKey.jkt }), key: dpopKey },
    };

    const variants = options.sections.includes('http') ? await runHttpRounds(options, context, tokens, failures) : [];

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

    let dpop: DpopMicroResult[] = [];
    if (options.sections.includes('dpop')) {
      log('DPoP micro benchmark: a fresh proof per request next to the repeated Bearer token');
      try {
        dpop = await runDpopMicroBenchmark(await dpopMicroInput(options, jwks.issuer, context, keys, tokens.repeated));
      } catch (error) {
        failures.push(`DPoP micro benchmark: ${(error as Error).message}`);
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
    const profiles = options.profileMisses ? await profileMisses(targets, options, context, tokens, microInput) : [];
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
      dpop,
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

/** For every proof algorithm: a client key, a token bound to it, and proofs for every request of the section. */
async function dpopMicroInput(
  options: BenchOptions,
  issuer: string,
  context: VariantContext,
  keys: Keys,
  bearerToken: string,
): Promise<Omit<DpopMicroConfig, 'resultFile'>> {
  const proofs: DpopMicroConfig['proofs'] = [];
  for (const alg of PROOF_ALGORITHMS) {
    const key = await createDpopClientKey(alg);
    const token = await signAccessToken(keys.byAlg.RS256, { issuer, jkt: key.jkt });
    const t = performance.now();
    const pool = await signProofPool(
      key,
      { htm: 'POST', htu: AUDIENCE, accessToken: token },
      options.dpopRounds * options.dpopRequests + 1,
    );
    options.log(`signed ${pool.length} ${alg} DPoP proofs in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    proofs.push({ alg, token, proofs: pool });
  }
  return {
    issuer,
    audience: AUDIENCE,
    jwksUri: context.jwksUri,
    bearerToken,
    rounds: options.dpopRounds,
    requests: options.dpopRequests,
    proofs,
  };
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
