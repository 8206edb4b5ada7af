/**
 * Everything a server needs to publish its discovery documents from one configuration: the
 * documents, their well-known paths, the upstream mirror and the `Request -> Response` handler
 * (RFC 9728, RFC 8414). Built once at start-up, without any I/O or timer (so it may be built at a
 * Worker's module top level); per request it only looks up a path, and the request for the
 * authorization-server metadata fetches the provider's document when that is due.
 *
 * @module
 */

import type { WardenConfig, WardenOptions } from '@mcp-warden/core';
import {
  type HttpAnswer,
  type Logger,
  type MetadataRoutes,
  protectedResourceMetadataPaths,
  resourceSpellings,
  resourceUrlForHost,
} from '@mcp-warden/core/adapter';
import {
  authorizationServerMetadataFromConfig,
  authorizationServersFromConfig,
  configuredIssuer,
  protectedResourceMetadataFromConfig,
} from './documents-from-config.js';
import { resolveProviderConfig } from './resolve-provider-config.js';
import { mirrorUpstreamMetadata, type UpstreamMirror } from './upstream-mirror.js';
import { createWellKnownResponder, type WellKnownDocument } from './well-known-responder.js';

/** RFC 8414 §3: where a client that treats the MCP server's origin as the authorization server looks. */
export const AUTHORIZATION_SERVER_WELL_KNOWN = '/.well-known/oauth-authorization-server';

/** Options for {@link createMetadataProvider}. */
export interface MetadataProviderOptions {
  /** The fetch used to reach the provider (default: the global one). */
  fetch?: typeof globalThis.fetch;
  /** Budget for each attempt to fetch the provider's metadata (default 5000 ms). */
  timeoutMs?: number;
  /**
   * Delay before a request may retry a failed fetch; doubles per retry, capped at 15 minutes
   * (default 30000 ms).
   */
  retryAfterMs?: number;
  /** Retries after the first attempt (default 8); each is made by a request, once its delay has passed. */
  maxRetries?: number;
  /**
   * Fetch and mirror the provider's own metadata (default `true`). `false` serves the document
   * built from the `MCP_OAUTH_*` variables and never contacts the provider.
   */
  discover?: boolean;
  /**
   * Authorization-server metadata already at hand, e.g. the embedded development issuer's: it is
   * mirrored as is (no fetch) and its `issuer` becomes the `authorization_servers` entry.
   */
  upstream?: Record<string, unknown>;
  /** Receives a warning when the provider's metadata cannot be fetched. Never sees a secret. */
  logger?: Logger;
}

/**
 * The discovery documents of one configured server, answered as plain data: every adapter writes
 * `respond(method, pathname)` with its framework's response API, and a Fetch-API server wraps it
 * in a `Response` (`new Response(answer.body, answer)`).
 */
export interface MetadataProvider extends MetadataRoutes {
  /**
   * The well-known paths served: the protected-resource metadata at its path-inserted and root
   * paths, then the authorization-server metadata.
   */
  readonly paths: readonly string[];
  /**
   * The answer to a request on one of {@link paths}, or `undefined` for any other path: GET and
   * HEAD the document (404 when there is none), OPTIONS the CORS preflight, anything else 405.
   * Pass the request's `Host` header as `host`: for a loopback resource URL (`localhost`,
   * `127.0.0.1`, `[::1]`) the protected-resource document names the resource in the spelling the
   * client used; for any other resource it is ignored.
   */
  respond(method: string, pathname: string, host?: string): HttpAnswer<string | null> | undefined;
  /**
   * What to await before {@link respond} on `pathname`: on the authorization-server metadata
   * path, while the provider's document is not mirrored yet and an attempt is due or in flight,
   * that attempt (it never rejects, and is awaited at most `timeoutMs` plus a second); otherwise
   * `undefined`. Call it without a path to fetch the provider's document now, e.g. at start-up on
   * a server that may do I/O there. `waitUntil` (Cloudflare Workers' `executionCtx.waitUntil`)
   * is handed the fetch, so it completes even if the request ends first. The adapters call it;
   * {@link respond} alone starts a due attempt without waiting for it.
   */
  prepare(pathname?: string, waitUntil?: (promise: Promise<unknown>) => void): Promise<void> | undefined;
  /** No fetch is started after this. */
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_RETRY_AFTER_MS = 30_000;
const DEFAULT_MAX_RETRIES = 8;
/** Documents that only change with a redeploy. */
const STABLE_CACHE = 'public, max-age=300';
/** Someone else's document, or a fallback that a successful retry will replace: cached briefly. */
const MIRROR_CACHE = 'public, max-age=60';

/**
 * Builds the discovery documents for a configuration. Nothing is fetched here: the provider's
 * metadata is fetched when its path is first requested (see {@link MetadataProvider.prepare}).
 *
 * - Protected-resource metadata (RFC 9728 §2, §3.1) at `/.well-known/oauth-protected-resource<path>`
 *   and at the root; `authorization_servers` holds the provider's exact issuer string, then every
 *   other trusted issuer (`MCP_TRUSTED_ISSUERS`).
 * - Authorization-server metadata (RFC 8414 §3) at `/.well-known/oauth-authorization-server`:
 *   the provider's own document when it can be fetched (mirrored unchanged), else the
 *   document built from `MCP_OAUTH_SERVER_URL` and the endpoint variables (retrying the fetch in
 *   the background), else 404 "OAuth authorization server not configured".
 *
 * `input` is a configuration from core's `loadConfig` / `defineConfig`, used as it is, or
 * programmatic options, which go through core's `defineConfig` first: a hand-built object gets
 * the same checks as the environment.
 *
 * Never rejects because the provider is down; rejects with core's `ConfigError` when the resource
 * or issuer URL is not an absolute https URL (loopback hosts and `MCP_ALLOW_INSECURE_HTTP`
 * excepted) or anything else in the configuration is unusable, and with a `TypeError` for
 * unusable options.
 *
 * @example
 * ```ts
 * import { loadConfig } from '@mcp-warden/core';
 * import { createMetadataProvider } from '@mcp-warden/metadata';
 *
 * const metadata = await createMetadataProvider(loadConfig(process.env));
 * // A Fetch-API server (Bun, Deno, a worker):
 * const { pathname } = new URL(request.url);
 * await metadata.prepare(pathname);
 * const answer = metadata.respond(request.method, pathname);
 * if (answer !== undefined) return new Response(answer.body, answer);
 * ```
 */
export async function createMetadataProvider(
  input: WardenConfig | WardenOptions,
  options: MetadataProviderOptions = {},
): Promise<MetadataProvider> {
  const timeoutMs = positive(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs');
  const retryAfterMs = positive(options.retryAfterMs, DEFAULT_RETRY_AFTER_MS, 'retryAfterMs');
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new TypeError('createMetadataProvider: maxRetries must be a non-negative integer');
  }
  const upstream = options.upstream === undefined ? undefined : Object.freeze({ ...options.upstream });
  if (upstream !== undefined && typeof upstream.issuer !== 'string') {
    throw new TypeError('createMetadataProvider: upstream metadata must have a string "issuer"');
  }
  const config = resolveProviderConfig(input, upstream?.issuer as string | undefined);
  const issuer = upstream === undefined ? configuredIssuer(config) : (upstream.issuer as string);

  // RFC 9728 §2: every trusted issuer, the mirrored (or embedded) one first; duplicates are dropped.
  const resourceMetadata = Object.freeze(
    protectedResourceMetadataFromConfig(config, [
      ...(issuer === undefined ? [] : [issuer]),
      ...authorizationServersFromConfig(config),
    ]),
  );
  const configured = authorizationServerMetadataFromConfig(config);
  const built = configured === undefined ? undefined : Object.freeze(configured);

  let mirror: UpstreamMirror | undefined;
  if (upstream === undefined && issuer !== undefined && options.discover !== false) {
    mirror = mirrorUpstreamMetadata({
      issuer,
      timeoutMs,
      retryAfterMs,
      maxRetries,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
  }

  const authorizationServerDocument = (): Record<string, unknown> | undefined => upstream ?? mirror?.current() ?? built;
  const authorizationServerCache = (): string =>
    upstream !== undefined || mirror?.current() !== undefined || mirror?.pending() ? MIRROR_CACHE : STABLE_CACHE;

  // A loopback resource is one resource under three spellings: each gets its document, chosen by
  // the Host header. Any other resource has one document and never looks at the Host header.
  const spellings = resourceSpellings(config.resourceUrl);
  const byResource = new Map<string, Record<string, unknown>>(
    spellings.map((resource) => [
      resource,
      resource === config.resourceUrl
        ? (resourceMetadata as unknown as Record<string, unknown>)
        : Object.freeze({ ...resourceMetadata, resource }),
    ]),
  );
  const resourceDocument =
    spellings.length === 1
      ? () => resourceMetadata as unknown as Record<string, unknown>
      : (host?: string) =>
          byResource.get(resourceUrlForHost(config.resourceUrl, host)) ??
          (resourceMetadata as unknown as Record<string, unknown>);

  const routes: WellKnownDocument[] = [
    ...protectedResourceMetadataPaths(config.resourceUrl).map(
      (path): WellKnownDocument => ({
        path,
        kind: 'protected-resource',
        document: resourceDocument,
        cacheControl: () => STABLE_CACHE,
      }),
    ),
    {
      path: AUTHORIZATION_SERVER_WELL_KNOWN,
      kind: 'authorization-server',
      document: authorizationServerDocument,
      cacheControl: authorizationServerCache,
    },
  ];
  const answer = createWellKnownResponder(routes);
  return {
    paths: Object.freeze(routes.map((route) => route.path)),
    respond(method, pathname, host) {
      // A caller that does not await prepare() still gets the mirror going: this request is
      // answered with what is in hand, a later one with the provider's document.
      if (mirror !== undefined && pathname === AUTHORIZATION_SERVER_WELL_KNOWN) void mirror.load();
      return answer(method, pathname, host);
    },
    prepare(pathname = AUTHORIZATION_SERVER_WELL_KNOWN, waitUntil) {
      return mirror !== undefined && pathname === AUTHORIZATION_SERVER_WELL_KNOWN ? mirror.load(waitUntil) : undefined;
    },
    close: () => mirror?.close(),
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`createMetadataProvider: ${name} must be a positive number of milliseconds`);
  }
  return value;
}
