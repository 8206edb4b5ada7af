// The suite runs the harness once, in quick mode on a subset of the variants, so the
// benchmark keeps working. It checks the shape of the results only: no speed assertions.
import { expect, it } from 'vitest';
import { defaultOptions } from './bench-options.js';
import { runBenchmark } from './harness.js';
import { renderResults } from './results-markdown.js';

const SUBSET =
  /^hono\/(bare|api-key|rs256-repeated|rs256-repeated-no-cors|dpop-repeated|rs256-distinct|missing|hono-jwk-repeated)$|^mcp-hono\//;

it('runs every selected variant, the micro benchmarks, cold start and memory, and renders RESULTS.md', {
  timeout: 240_000,
}, async () => {
  const lines: string[] = [];
  const report = await runBenchmark({
    ...defaultOptions('quick', (line) => lines.push(line)),
    frameworks: ['hono'],
    algorithms: ['RS256'],
    only: SUBSET,
    distinctPoolSize: 1500,
    microTokens: 200,
    coldStartRequests: 200,
    memoryRequests: 3000,
    memoryWarmupRequests: 500,
  });

  expect(report.failures, lines.join('\n')).toEqual([]);
  expect(report.variants.map((v) => v.id).sort()).toEqual(
    [
      'hono/api-key',
      'hono/bare',
      'hono/dpop-repeated',
      'hono/hono-jwk-repeated',
      'hono/missing',
      'hono/rs256-distinct',
      'hono/rs256-repeated',
      'hono/rs256-repeated-no-cors',
      'mcp-hono/no-auth',
      'mcp-hono/rs256-repeated',
    ].sort(),
  );
  for (const variant of report.variants) {
    expect(variant.wellFormed, `${variant.id}: ${variant.problems.join('; ')}`).toBe(true);
    expect(variant.samples).toHaveLength(1);
    for (const figure of [variant.rps, variant.p50Ms, variant.p99Ms, variant.rssMiB, variant.ratio]) {
      expect(Number.isFinite(figure) && figure > 0, `${variant.id}: ${figure}`).toBe(true);
    }
    expect(Number.isFinite(variant.addedP99Ms)).toBe(true);
  }

  expect(report.micro.map((m) => m.alg)).toEqual(['RS256']);
  const [micro] = report.micro;
  for (const figure of [
    micro!.sequential.jose,
    micro!.sequential.pipeline,
    micro!.concurrent.jose,
    micro!.concurrent.pipeline,
    micro!.nodeCrypto,
  ]) {
    expect(Number.isFinite(figure) && figure > 0).toBe(true);
  }

  expect(report.dpop?.map((d) => d.alg)).toEqual(['ES256', 'EdDSA', 'RS256', 'PS256']);
  for (const d of report.dpop ?? []) {
    for (const figure of [d.bearerCpuUs, d.dpopCpuUs, d.joseCpuUs, d.dpopPerSecond]) {
      expect(Number.isFinite(figure) && figure > 0, `${d.alg}: ${figure}`).toBe(true);
    }
    expect(Number.isFinite(d.addedCpuUs)).toBe(true);
  }

  expect(report.coldStart.map((c) => `${c.framework}/${c.scenario}`)).toEqual(['hono/cold', 'hono/rotation']);
  for (const cold of report.coldStart) {
    const answered = Object.values(cold.statuses).reduce((sum, n) => sum + n, 0);
    expect(answered).toBe(200);
    expect(cold.jwksFetches).toBeGreaterThanOrEqual(1);
  }

  expect(report.memory).toHaveLength(1);
  expect(report.memory[0]!.requests).toBe(3000);
  expect(report.memory[0]!.rssAfterBytes).toBeGreaterThan(0);

  expect(report.targets.map((t) => t.kind)).toEqual(
    expect.arrayContaining(['repeated-throughput', 'repeated-p99', 'distinct', 'cold-start', 'memory', 'peers']),
  );
  // A peer is compared with mcp-warden sending the same response (no CORS headers), the default beside it.
  const peer = report.targets.find((t) => t.kind === 'peers');
  expect(peer?.required).toContain('`cors: false`');
  expect(peer?.figure).toMatch(/ of bare \(default CORS: [\d.]+%\)$/);
  const markdown = renderResults(report);
  for (const heading of [
    '## Machine',
    '## Throughput targets (secondary)',
    '## HTTP throughput',
    '## Verification pipeline',
    '## DPoP: what a proof costs per request',
    '## Cold start',
    '## Memory',
  ]) {
    expect(markdown).toContain(heading);
  }
  expect(markdown).toContain('| JWT RS256, one repeated token | mcp-warden |');
  expect(markdown).toContain(
    '| DPoP: one repeated RS256 token bound to a key, a fresh ES256 proof per request | mcp-warden |',
  );
});
