/**
 * CPU profiles of the subjects behind missed targets: the server of an HTTP variant (and, for
 * comparison, its baseline) or the micro-benchmark process, each run once more under
 * `node --cpu-prof`.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions } from './bench-options.js';
import type { ProfileReport, TargetResult } from './bench-report.js';
import { compareProfiles, summarizeProfileDir } from './cpu-profile.js';
import type { MicroConfig } from './micro/micro-config.js';
import { runMicroBenchmark } from './micro-run.js';
import type { BenchAlgorithm } from './tokens.js';
import { runVariantOnce, type TokenSource } from './variant-run.js';
import { allVariants, type Variant, type VariantContext } from './variants.js';

/** Profiles what is behind every missed target (one run per subject, shared by its targets). */
export async function profileMisses(
  targetResults: readonly TargetResult[],
  options: BenchOptions,
  context: VariantContext,
  tokens: TokenSource,
  microInput: () => Omit<MicroConfig, 'resultFile'>,
): Promise<ProfileReport[]> {
  const subjects = new Map<string, string[]>();
  for (const target of targetResults) {
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
