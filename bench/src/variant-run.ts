/**
 * One run of one variant: start its server process, check that a single request gets the
 * expected answer, warm up (JWKS fetch, JIT), measure, read the server's RSS, stop it.
 *
 * @module
 */

import { APPS_SERVER_MAIN, assertBuilt, builtScript } from './bench-paths.js';
import { type DpopClientKey, signProofPool } from './dpop-proofs.js';
import { type LoadSample, type LoadSpec, runLoad } from './load-test.js';
import { freePort, type RunningServer, startServerProcess } from './server-process.js';
import { SERVER_CONFIG_ENV, type ServerConfig } from './servers/server-config.js';
import { AUDIENCE, type BenchAlgorithm } from './tokens.js';
import { BENCH_API_KEY, type Variant, type VariantContext } from './variants.js';

/** The tokens a run may send. */
export interface TokenSource {
  /** The one RS256 token of the repeated-token variants (the normal MCP client case). */
  repeated: string;
  /** Distinct tokens per algorithm. */
  pools: Partial<Record<BenchAlgorithm, string[]>>;
  /** The verified-token cache size of the servers; pools no larger than it must not wrap. */
  cacheEntries: number;
  /** The repeated RS256 token bound to `key` (`cnf.jkt`), for the DPoP variants. */
  dpop: { token: string; key: DpopClientKey };
}

/** How long and how hard. */
export interface RunSettings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Start the server under `node --cpu-prof`, writing into this directory. */
  cpuProfileDir?: string;
}

/** A measured run plus the server's resident set size right after it and its CPU time. */
export interface VariantSample extends LoadSample {
  rssBytes: number;
  /** Server CPU time (user + system) per response during the measured run, in µs. */
  cpuUsPerRequest: number;
  /** Requests answered before the measured run (check and warm-up). */
  warmupRequests: number;
}

/** The JSON-RPC request of the MCP rows. */
export const WHOAMI_CALL = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'whoami', arguments: {} },
});

async function startFor(variant: Variant, context: VariantContext, settings: RunSettings): Promise<RunningServer> {
  const profile = settings.cpuProfileDir === undefined ? {} : { cpuProfileDir: settings.cpuProfileDir };
  if (variant.target.kind === 'bench') {
    const script = builtScript(`servers/serve-${variant.framework}.js`);
    assertBuilt(script);
    const config: ServerConfig = { framework: variant.framework, guard: variant.target.guard(context) };
    return startServerProcess({ script, env: { [SERVER_CONFIG_ENV]: JSON.stringify(config) }, ...profile });
  }
  assertBuilt(APPS_SERVER_MAIN);
  const port = await freePort();
  const auth: Record<string, string> = variant.target.auth
    ? {
        MCP_AUTH_REQUIRED: 'true',
        MCP_JWT_ISSUER: context.issuer,
        MCP_OAUTH_JWKS_URI: context.jwksUri,
        MCP_JWT_AUDIENCE: AUDIENCE,
        MCP_JWT_ALGORITHM: 'RS256',
      }
    : { MCP_AUTH_ENABLED: 'false' };
  return startServerProcess({
    script: APPS_SERVER_MAIN,
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      MCP_HTTP_FRAMEWORK: variant.framework,
      MCP_RESOURCE_URL: `http://127.0.0.1:${port}/mcp`,
      MCP_LOG_LEVEL: 'info', // the listening line is an info line; success paths log nothing
      ...auth,
    },
    ...profile,
  });
}

/**
 * Proofs for a DPoP run: more than a run can use at the throughput DPoP reaches here, made just
 * before it so their `iat` is fresh; each request takes the next one, so none is ever replayed.
 */
const DPOP_PROOFS_PER_SECOND = 12_000;

/** The `tools/list` of the tools/list rows, with the headers the official SDK client sends on the 2025-11-25 wire. */
export const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });

/** Headers, body and the per-request credential of a variant. */
function requestShape(
  variant: Variant,
  tokens: TokenSource,
  proofs: readonly string[] | undefined,
): Omit<LoadSpec, 'url' | 'connections' | 'durationSeconds'> {
  const headers: Record<string, string> = {};
  let nextHeaders: (() => Record<string, string>) | undefined;
  let maxRequests: number | undefined;
  const credential = variant.credential;
  if (credential.kind === 'api-key') headers['x-api-key'] = BENCH_API_KEY;
  // The baselines get the repeated token too, and ignore it: every variant is compared with a
  // bare route receiving the same request bytes, so only the authentication work differs.
  if (variant.baseline || (credential.kind === 'token' && !credential.distinct)) {
    headers.authorization = `Bearer ${tokens.repeated}`;
  }
  if (credential.kind === 'token' && credential.distinct) {
    const pool = tokens.pools[credential.alg];
    if (pool === undefined || pool.length === 0) throw new Error(`no ${credential.alg} token pool`);
    let index = 0;
    nextHeaders = () => ({ authorization: `Bearer ${pool[index++ % pool.length]}` });
    // A pool larger than the cache can cycle: a FIFO cache of N entries never holds a token again
    // N+1 insertions later. A smaller pool must not wrap at all.
    if (pool.length <= tokens.cacheEntries) maxRequests = pool.length;
  }
  if (credential.kind === 'dpop') {
    if (proofs === undefined) throw new Error('no DPoP proofs');
    headers.authorization = `DPoP ${tokens.dpop.token}`;
    let index = 0;
    nextHeaders = () => ({ dpop: proofs[index++]! });
    maxRequests = proofs.length;
  }
  if (variant.mcp) {
    headers['content-type'] = 'application/json';
    headers.accept = 'application/json, text/event-stream';
    if (variant.mcpRequest === 'tools-list') headers['mcp-protocol-version'] = '2025-11-25';
  }
  const body = variant.mcpRequest === 'tools-list' ? TOOLS_LIST : WHOAMI_CALL;
  return {
    headers,
    expectedStatus: variant.expectedStatus,
    ...(variant.mcp ? { method: 'POST' as const, body } : {}),
    ...(nextHeaders === undefined ? {} : { nextHeaders }),
    ...(maxRequests === undefined ? {} : { maxRequests }),
  };
}

/** One request, checked, before any load: a variant answering wrongly fails loudly. */
async function checkAnswer(url: string, shape: ReturnType<typeof requestShape>): Promise<number> {
  const headers = { ...shape.headers, ...shape.nextHeaders?.() };
  const response = await fetch(url, {
    method: shape.method ?? 'GET',
    headers,
    ...(shape.body === undefined ? {} : { body: shape.body }),
  });
  const body = await response.text();
  if (response.status !== shape.expectedStatus) {
    throw new Error(`${url} answered ${response.status} instead of ${shape.expectedStatus}: ${body.slice(0, 300)}`);
  }
  return 1;
}

/** Runs `variant` once. */
export async function runVariantOnce(
  variant: Variant,
  context: VariantContext,
  tokens: TokenSource,
  settings: RunSettings,
): Promise<VariantSample> {
  const proofs =
    variant.credential.kind === 'dpop'
      ? await signProofPool(
          tokens.dpop.key,
          { htm: 'GET', htu: AUDIENCE, accessToken: tokens.dpop.token },
          Math.ceil(DPOP_PROOFS_PER_SECOND * (settings.warmupSeconds + settings.durationSeconds)) + 1,
        )
      : undefined;
  const server = await startFor(variant, context, settings);
  try {
    const url = `${server.origin}/mcp`;
    const shape = requestShape(variant, tokens, proofs);
    let used = await checkAnswer(url, shape);
    const budget = (n: number | undefined) => (n === undefined ? undefined : Math.max(1, n - used));
    if (settings.warmupSeconds > 0) {
      const warm = await runLoad({
        ...shape,
        url,
        connections: settings.connections,
        durationSeconds: settings.warmupSeconds,
        ...(shape.maxRequests === undefined ? {} : { maxRequests: budget(shape.maxRequests)! }),
      });
      used += warm.requests;
    }
    const cpuBefore = server.cpuSeconds();
    const sample = await runLoad({
      ...shape,
      url,
      connections: settings.connections,
      durationSeconds: settings.durationSeconds,
      ...(shape.maxRequests === undefined ? {} : { maxRequests: budget(shape.maxRequests)! }),
    });
    const cpuUsPerRequest = ((server.cpuSeconds() - cpuBefore) * 1e6) / sample.requests;
    return { ...sample, rssBytes: server.rssBytes(), cpuUsPerRequest, warmupRequests: used };
  } catch (error) {
    throw new Error(`${variant.id}: ${(error as Error).message}\n${server.output().slice(0, 2000)}`);
  } finally {
    await server.stop();
  }
}
