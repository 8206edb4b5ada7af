/**
 * A bounded JSON fetch for everything core asks of the outside world (JWKS, discovery,
 * introspection): a timeout, a response size cap, and failures classified so callers can answer
 * 503 (infrastructure) rather than 401 (token). docs/requirements.md, "Signing keys"; RFC 7662 §2.2.
 *
 * @module
 */

/** Why a {@link fetchJson} call failed. */
export type FetchJsonFailure = 'timeout' | 'network' | 'http_status' | 'too_large' | 'invalid_json';

/** A failed {@link fetchJson} call. Its message never includes request headers or bodies. */
export class FetchJsonError extends Error {
  readonly failure: FetchJsonFailure;
  readonly url: string;
  readonly status: number | undefined;

  constructor(failure: FetchJsonFailure, url: string, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FetchJsonError';
    this.failure = failure;
    this.url = url;
    this.status = options?.status;
  }
}

/** Options for {@link fetchJson}. */
export interface FetchJsonOptions {
  /** Abort after this many milliseconds (default 5000). */
  timeoutMs?: number;
  /** Refuse bodies larger than this many bytes (default 512 KiB). */
  maxBytes?: number;
  /** Request init (method, headers, body). `signal` is managed here. */
  init?: Omit<RequestInit, 'signal'>;
  /** The fetch implementation (default: the global one). */
  fetch?: typeof globalThis.fetch;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_BYTES = 512 * 1024;

/**
 * Fetches `url` and parses its JSON body, within a time and size budget. Any non-2xx status is a
 * failure. Redirects are not followed: a metadata or key URL that moves is a configuration
 * problem, and following it would let a compromised host point us anywhere.
 *
 * @example
 * ```ts
 * const jwks = await fetchJson('https://issuer.example.com/jwks.json', { timeoutMs: 5000 });
 * ```
 */
export async function fetchJson(url: string, options: FetchJsonOptions = {}): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const doFetch = options.fetch ?? globalThis.fetch;
  const signal = AbortSignal.timeout(timeoutMs);

  let response: Response;
  try {
    response = await doFetch(url, {
      ...options.init,
      headers: { accept: 'application/json', ...(options.init?.headers as Record<string, string> | undefined) },
      redirect: 'manual',
      signal,
    });
  } catch (cause) {
    if (signal.aborted) throw new FetchJsonError('timeout', url, `no answer within ${timeoutMs} ms`, { cause });
    throw new FetchJsonError('network', url, 'request failed', { cause });
  }

  if (response.status < 200 || response.status > 299) {
    await response.body?.cancel().catch(() => {});
    throw new FetchJsonError('http_status', url, `answered HTTP ${response.status}`, { status: response.status });
  }

  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new FetchJsonError('too_large', url, `body larger than ${maxBytes} bytes`, { status: response.status });
  }

  let text: string;
  try {
    text = await readBounded(response, maxBytes);
  } catch (cause) {
    if (cause instanceof FetchJsonError)
      throw new FetchJsonError(cause.failure, url, cause.message, { status: response.status });
    if (signal.aborted) throw new FetchJsonError('timeout', url, `no answer within ${timeoutMs} ms`, { cause });
    throw new FetchJsonError('network', url, 'reading the body failed', { cause });
  }

  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new FetchJsonError('invalid_json', url, 'body is not JSON', { status: response.status, cause });
  }
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let received = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new FetchJsonError('too_large', '', `body larger than ${maxBytes} bytes`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
