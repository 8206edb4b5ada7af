/**
 * One load run with autocannon, driven programmatically from the runner process. Latency is
 * recorded per response with sub-millisecond resolution (autocannon's own histogram works in
 * whole milliseconds, too coarse for an "added p99 < 1 ms" target), and every answer's status is
 * checked against the one the variant must produce.
 *
 * @module
 */
import autocannon from 'autocannon';
import { percentile } from './stats.js';

/** What to send. */
export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  method?: 'GET' | 'POST';
  body?: string;
  /**
   * Headers that change on every request (distinct tokens' `Authorization`, DPoP proofs), set on
   * top of `headers`.
   */
  nextHeaders?: () => Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** Stop after this many responses (the distinct-token pool must not wrap into cache hits). */
  maxRequests?: number;
  /** Stop after exactly this many responses, whatever the duration. */
  amount?: number;
  expectedStatus: number;
}

/** One measured run. */
export interface LoadSample {
  requests: number;
  durationMs: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses whose status was not the expected one, by status. */
  unexpected: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
}

/** Runs the load and returns its figures. */
export async function runLoad(spec: LoadSpec): Promise<LoadSample> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const unexpected: Record<string, number> = {};
  const next = spec.nextHeaders;
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    timeout: 10,
    method: spec.method ?? 'GET',
    headers: spec.headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
    ...(spec.amount === undefined ? { duration: spec.durationSeconds } : { amount: spec.amount }),
    ...(spec.maxRequests === undefined ? {} : { maxOverallRequests: spec.maxRequests }),
    ...(next === undefined
      ? {}
      : {
          requests: [
            {
              setupRequest(req) {
                Object.assign(req.headers, next());
                return req;
              },
            },
          ],
        }),
  });
  let startedAt = performance.now();
  instance.once('start', () => {
    startedAt = performance.now();
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
    if (statusCode !== spec.expectedStatus) unexpected[statusCode] = (unexpected[statusCode] ?? 0) + 1;
  });
  const result = await instance;
  const durationMs = performance.now() - startedAt;
  const sorted = latencies.subarray(0, count).sort();
  return {
    requests: count,
    durationMs,
    rps: count / (durationMs / 1000),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    unexpected,
    errors: result.errors + result.timeouts,
  };
}
