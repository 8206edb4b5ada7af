/**
 * The HTTP part of a run: every selected variant (and its baseline) once per round, rounds in
 * alternating direction, then each variant's figures against its baseline, round by round.
 *
 * @module
 */
import type { BenchOptions } from './bench-options.js';
import type { VariantReport } from './bench-report.js';
import { median } from './stats.js';
import { runVariantOnce, type TokenSource, type VariantSample } from './variant-run.js';
import { allVariants, SCENARIO_LABELS, type Variant, type VariantContext } from './variants.js';

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
export async function runHttpRounds(
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
