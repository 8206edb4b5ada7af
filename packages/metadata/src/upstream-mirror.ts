/**
 * Mirroring the provider's own authorization-server metadata (RFC 8414 §3): fetched once at start-up and
 * served unchanged, so `issuer` and every endpoint are the provider's real ones. When the
 * provider cannot be reached, the caller serves its configured fallback and this retries in the
 * background a bounded number of times.
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
  /** Retries after the start-up attempt before giving up (then the fallback stays). */
  maxRetries: number;
  logger?: Logger;
}

/** A running mirror. */
export interface UpstreamMirror {
  /** The provider's document once fetched, otherwise `undefined`. */
  current(): Record<string, unknown> | undefined;
  /** Whether a background retry is still scheduled. */
  pending(): boolean;
  /** Cancels any scheduled retry. */
  close(): void;
}

const MAX_RETRY_DELAY_MS = 15 * 60 * 1000;

/**
 * Fetches the provider's metadata once (awaited, so the first request already sees it) and, on a
 * transient failure, schedules bounded retries with doubling delays. A failure that retrying
 * cannot fix (the provider answers 4xx, or its document names another issuer) stops at once: the
 * configured document is then the answer for the life of the process.
 *
 * Timers are unref'd so a pending retry never keeps a process alive.
 *
 * @example
 * ```ts
 * const mirror = await mirrorUpstreamMetadata({ issuer, timeoutMs: 5000, retryAfterMs: 30_000, maxRetries: 8 });
 * mirror.current(); // the provider's document, or undefined while unreachable
 * ```
 */
export async function mirrorUpstreamMetadata(options: UpstreamMirrorOptions): Promise<UpstreamMirror> {
  let document: Record<string, unknown> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let retries = 0;

  const attempt = async (): Promise<void> => {
    timer = undefined;
    try {
      const fetched = await discoverAuthorizationServer(options.issuer, {
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        timeoutMs: options.timeoutMs,
      });
      // Frozen: the same object is served (and its serialisation cached) for the process's life.
      if (!closed) document = Object.freeze({ ...fetched });
      options.logger?.info({ issuer: options.issuer }, 'mirroring the authorization server metadata');
    } catch (error) {
      const retryable = isRetryable(error);
      const willRetry = retryable && !closed && retries < options.maxRetries;
      options.logger?.warn(
        { issuer: options.issuer, reason: describe(error), willRetry },
        'authorization server metadata unavailable; serving the document built from the configuration, if any',
      );
      if (willRetry) {
        const delay = Math.min(options.retryAfterMs * 2 ** retries, MAX_RETRY_DELAY_MS);
        retries += 1;
        timer = setTimeout(() => void attempt(), delay);
        (timer as { unref?: () => void }).unref?.();
      }
    }
  };

  await attempt();

  return {
    current: () => document,
    pending: () => timer !== undefined,
    close: () => {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
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
