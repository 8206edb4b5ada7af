/**
 * Where introspection requests go: the configured `MCP_OAUTH_INTROSPECTION_ENDPOINT`, or, with
 * `discover`, the `introspection_endpoint` of the issuer's metadata (RFC 8414 §2, RFC 7662 §4).
 *
 * Discovery happens on the first opaque token, not at start-up (a provider that is down at boot
 * must not keep the server from starting); one discovery runs at a time and every waiting request
 * shares it; a success is kept for the life of the process; a failure is remembered for a short
 * back-off so a dead provider is not asked at the request rate, and answers 503 meanwhile.
 *
 * @module
 */

import type { AuthError } from '../errors/auth-error.js';
import { verifierUnavailable } from '../errors/auth-failures.js';
import { discoverAuthorizationServer } from '../http/discover-authorization-server.js';
import { isSecureEnoughUrl } from '../http/secure-url.js';

/** Options of {@link createIntrospectionEndpoint}. */
export interface IntrospectionEndpointOptions {
  /** A fixed endpoint: returned as is, nothing is fetched. */
  endpoint?: string;
  /** The issuer whose metadata names the endpoint (used when `endpoint` is absent). */
  issuer?: string;
  allowInsecureHttp: boolean;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
  /** Back-off after a failed discovery (default 5000 ms). */
  failureBackoffMs?: number;
}

/** Resolves the endpoint URL, or throws a 503-class {@link AuthError}. */
export type IntrospectionEndpoint = () => Promise<string>;

const DEFAULT_FAILURE_BACKOFF_MS = 5000;

/**
 * Builds the endpoint resolver.
 *
 * @throws {TypeError} when neither an endpoint nor an issuer is given.
 */
export function createIntrospectionEndpoint(options: IntrospectionEndpointOptions): IntrospectionEndpoint {
  const fixed = options.endpoint;
  if (fixed !== undefined) return () => Promise.resolve(fixed);
  const issuer = options.issuer;
  if (issuer === undefined) throw new TypeError('introspection endpoint discovery needs an issuer');
  const backoffMs = options.failureBackoffMs ?? DEFAULT_FAILURE_BACKOFF_MS;

  let discovered: string | undefined;
  let inflight: Promise<string> | undefined;
  let failedAt = Number.NEGATIVE_INFINITY;
  let lastFailure: unknown;

  const unavailable = (): AuthError => {
    const waitMs = Math.max(0, failedAt + backoffMs - Date.now());
    return verifierUnavailable(Math.max(1, Math.ceil(waitMs / 1000)), lastFailure, 'introspection');
  };

  async function discover(): Promise<string> {
    try {
      const metadata = await discoverAuthorizationServer(issuer!, {
        fetch: options.fetch,
        timeoutMs: options.timeoutMs,
      });
      const endpoint = metadata.introspection_endpoint;
      if (typeof endpoint !== 'string') {
        throw new Error(
          'the authorization server metadata has no introspection_endpoint; set MCP_OAUTH_INTROSPECTION_ENDPOINT',
        );
      }
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch {
        throw new Error('the discovered introspection_endpoint is not an absolute URL');
      }
      if (!isSecureEnoughUrl(url, options.allowInsecureHttp)) {
        throw new Error('the discovered introspection_endpoint is not https');
      }
      discovered = endpoint;
      return endpoint;
    } catch (error) {
      failedAt = Date.now();
      lastFailure = error;
      throw unavailable();
    }
  }

  return () => {
    if (discovered !== undefined) return Promise.resolve(discovered);
    if (inflight !== undefined) return inflight;
    if (Date.now() - failedAt < backoffMs) return Promise.reject(unavailable());
    inflight = discover().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };
}
