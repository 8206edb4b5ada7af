/**
 * The memory target: one million requests with distinct invalid tokens must grow the server's
 * resident set by less than 50 MB. Nothing an attacker sends for free may be remembered: invalid
 * tokens never enter the verified-token cache, unknown `kid`s are not recorded, failures are not
 * queued. RSS is read after a warm-up of the same traffic (heap and JIT at their working size),
 * sampled every second during the run, and read again at the end.
 *
 * @module
 */
import { assertBuilt, builtScript } from './bench-paths.js';
import { invalidTokenSource } from './invalid-tokens.js';
import { runLoad } from './load-test.js';
import { startServerProcess } from './server-process.js';
import { type Framework, SERVER_CONFIG_ENV, type ServerConfig } from './servers/server-config.js';
import { type VariantContext, wardenOptions } from './variants.js';

/** One memory measurement. */
export interface MemoryResult {
  framework: Framework;
  requests: number;
  warmupRequests: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  rssPeakBytes: number;
  durationMs: number;
  rps: number;
  /** Answers other than 401, by status, plus connection errors. */
  unexpected: Record<string, number>;
  errors: number;
}

/** Runs the memory test on `framework`'s mcp-warden server. */
export async function runMemoryGrowth(
  framework: Framework,
  context: VariantContext,
  validToken: string,
  options: { requests: number; warmupRequests: number; connections: number },
): Promise<MemoryResult> {
  const script = builtScript(`servers/serve-${framework}.js`);
  assertBuilt(script);
  const config: ServerConfig = { framework, guard: { kind: 'mcp-warden', options: wardenOptions(context, 'RS256') } };
  const server = await startServerProcess({ script, env: { [SERVER_CONFIG_ENV]: JSON.stringify(config) } });
  try {
    const url = `${server.origin}/mcp`;
    const nextAuthorization = invalidTokenSource(validToken);
    const load = {
      url,
      headers: {},
      nextHeaders: () => ({ authorization: nextAuthorization() }),
      connections: options.connections,
      durationSeconds: 0,
      expectedStatus: 401,
    };
    await runLoad({ ...load, amount: options.warmupRequests });
    const rssBeforeBytes = server.rssBytes();
    let rssPeakBytes = rssBeforeBytes;
    const sampler = setInterval(() => {
      rssPeakBytes = Math.max(rssPeakBytes, server.rssBytes());
    }, 1000);
    const run = await runLoad({ ...load, amount: options.requests }).finally(() => clearInterval(sampler));
    const rssAfterBytes = server.rssBytes();
    return {
      framework,
      requests: run.requests,
      warmupRequests: options.warmupRequests,
      rssBeforeBytes,
      rssAfterBytes,
      rssPeakBytes: Math.max(rssPeakBytes, rssAfterBytes),
      durationMs: run.durationMs,
      rps: run.rps,
      unexpected: run.unexpected,
      errors: run.errors,
    };
  } finally {
    await server.stop();
  }
}
