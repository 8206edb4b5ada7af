/**
 * Mirroring the provider's own authorization-server metadata (RFC 8414 §3): fetched on first use
 * and served unchanged, so `issuer` and every endpoint are the provider's real ones. When the
 * provider cannot be reached, the caller serves its configured fallback and a later request tries
 * again, after a delay that doubles per failure, a bounded number of times.
 *
 * Nothing happens at construction and no timer is ever set: every fetch is started by a request
 * for the document. A runtime that forbids I/O and timers outside a request (Cloudflare Workers,
 * where an application is often built at module top level) or stops a request's work once its
 * response is sent then behaves like any other (docs/deploying.md, "Cloudflare Workers").
 *
 * @module
 */

import { discoverAuthorizationServer, isAuthError, type Logger } from '@mcp-warden/core/adapter';

/** Options for {@link mirrorUpstreamMetadata}. */
export interface UpstreamMirrorOptions {
  /** The provider's exact issuer string; its metadata's `issuer` must equal it. */
  issuer: string;
  fetch?: typeof globalThis.fetch;
  /** Per-attempt budget (default 5000 ms). */
  timeoutMs: number;
  /** Delay before the first retry; later retries double it, capped at 15 minutes. */
  retryAfterMs: number;
  /** Retries after the first attempt before giving up (then the fallback stays). */
  maxRetries: number;
  logger?: Logger;
}

/** The runtime's hook for work that may outlive the request. */
type WaitUntil = (promise: Promise<unknown>) => void;

/** A mirror, fetched on demand. */
export interface UpstreamMirror {
  /** The provider's document once fetched, otherwise `undefined`. */
  current(): Record<string, unknown> | undefined;
  /** Whether another attempt will still be made: the fallback served meanwhile is provisional. */
  pending(): boolean;
  /**
   * Starts an attempt when one is due (none made yet, or the delay after a retryable failure has
   * passed) and returns what to await: the attempt in flight, bounded by the time budget, or
   * `undefined` when there is nothing to wait for. Never rejects. The attempt is handed to
   * `waitUntil` when given.
   */
  load(waitUntil?: WaitUntil): Promise<void> | undefined;
  /** No attempt is started after this. */
  close(): void;
}

const MAX_RETRY_DELAY_MS = 15 * 60 * 1000;
/**
 * Past its budget plus this, an attempt still unsettled is taken for lost with the request that
 * started it (a runtime that drops a finished request's work) and a new one may start.
 */
const ABANDON_GRACE_MS = 1000;

/**
 * Builds the mirror. Nothing is fetched until {@link UpstreamMirror.load} is called. A failure
 * that retrying cannot fix (the provider answers 4xx, or its document names another issuer) stops
 * the attempts at once: the configured document is then the answer for the life of the process.
 *
 * @example
 * ```ts
 * const mirror = mirrorUpstreamMetadata({ issuer, timeoutMs: 5000, retryAfterMs: 30_000, maxRetries: 8 });
 * await mirror.load(); // on a request for the document
 * mirror.current(); // the provider's document, or undefined while unreachable
 * ```
 */
export function mirrorUpstreamMetadata(options: UpstreamMirrorOptions): UpstreamMirror {
  let document: Record<string, unknown> | undefined;
  let closed = false;
  let finalFailure = false;
  let failures = 0;
  let nextAttemptAt = 0;
  let inflight: Promise<void> | undefined;
  let inflightStartedAt = 0;

  const attempt = async (isCurrent: () => boolean): Promise<void> => {
    try {
      const fetched = await discoverAuthorizationServer(options.issuer, {
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        timeoutMs: options.timeoutMs,
      });
      if (closed || !isCurrent()) return;
      // Frozen: the same object is served (and its serialisation cached) for the process's life.
      document = Object.freeze({ ...fetched });
      options.logger?.info({ issuer: options.issuer }, 'mirroring the authorization server metadata');
    } catch (error) {
      if (!isCurrent()) return;
      const retryable = isRetryable(error);
      const willRetry = retryable && !closed && failures < options.maxRetries;
      options.logger?.warn(
        { issuer: options.issuer, reason: describe(error), willRetry },
        'authorization server metadata unavailable; serving the document built from the configuration, if any',
      );
      if (willRetry) nextAttemptAt = Date.now() + Math.min(options.retryAfterMs * 2 ** failures, MAX_RETRY_DELAY_MS);
      else finalFailure = true;
      failures += 1;
    }
  };

  const lost = (now: number): boolean => now - inflightStartedAt > options.timeoutMs + ABANDON_GRACE_MS;

  /** The attempt in flight, or a new one when one is due. */
  const start = (waitUntil: WaitUntil | undefined): Promise<void> | undefined => {
    if (document !== undefined || closed || finalFailure) return undefined;
    const now = Date.now();
    if (inflight !== undefined && !lost(now)) return inflight;
    if (now < nextAttemptAt) return undefined;
    const current: Promise<void> = attempt(() => inflight === current).finally(() => {
      if (inflight === current) inflight = undefined;
    });
    inflight = current;
    inflightStartedAt = now;
    waitUntil?.(current);
    return current;
  };

  return {
    current: () => document,
    pending: () => document === undefined && !closed && !finalFailure,
    load(waitUntil) {
      const loading = start(waitUntil);
      return loading === undefined
        ? undefined
        : withinBudget(loading, inflightStartedAt + options.timeoutMs + ABANDON_GRACE_MS);
    },
    close: () => {
      closed = true;
    },
  };
}

/**
 * `loading`, or nothing more once `deadline` passes: the attempt may belong to a request that has
 * ended, on a runtime that never settles (or refuses to share) that request's work. The timer is
 * this request's own.
 */
async function withinBudget(loading: Promise<void>, deadline: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      loading,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now())))),
    ]);
  } catch {
    // Only a runtime refusing another request's promise gets here: the fallback is served.
  } finally {
    clearTimeout(timer);
  }
}

/** Timeouts, network errors, 5xx, 408 and 429 may pass; anything else is the provider's answer. */
function isRetryable(error: unknown): boolean {
  if (isAuthError(error)) return false;
  const failure = (error as { failure?: unknown } | null)?.failure;
  if (failure === 'timeout' || failure === 'network') return true;
  if (failure === 'http_status') {
    const status = (error as { status?: unknown }).status;
    return typeof status === 'number' && (status >= 500 || status === 408 || status === 429);
  }
  return false;
}

/** A log-safe reason: the failure class and status, never a response body. */
function describe(error: unknown): string {
  if (isAuthError(error)) return error.code;
  const { failure, status } = (error ?? {}) as { failure?: unknown; status?: unknown };
  if (typeof failure === 'string') return typeof status === 'number' ? `${failure} ${status}` : failure;
  return error instanceof Error ? error.name : 'unknown';
}
