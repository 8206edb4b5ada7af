/**
 * The options every mcp-warden adapter takes, declared once so the Express middleware, the Fastify
 * plugin and the Hono middleware accept exactly the same names.
 *
 * @module
 */

import type { Authenticator, RouteAuthOptions } from '../authenticate/authenticator-types.js';
import type { HttpAnswer } from '../http/http-answer.js';
import type { CorsOption } from './cors-headers.js';

/**
 * The discovery documents as an adapter serves them: `createMetadataProvider()` of
 * `@mcp-warden/metadata` returns one. `respond` answers a request on one of `paths`, and returns
 * `undefined` for any other path.
 */
export interface MetadataRoutes {
  /** The well-known paths served, for adapters that register native routes. */
  readonly paths: readonly string[];
  /**
   * The answer to `method` on `pathname`; `body` is the JSON text, `null` for HEAD and 204. `host`
   * is the request's `Host` header: it names a loopback resource in the spelling the client used,
   * and is ignored for any other resource.
   */
  respond(method: string, pathname: string, host?: string): HttpAnswer<string | null> | undefined;
  /**
   * What to await before {@link respond} on `pathname`: a promise while a document that path
   * serves is still being fetched (the provider's mirrored metadata, fetched on first use, never
   * at construction), `undefined` when `respond` can answer now. The promise never rejects and
   * settles within the provider's time budget. `waitUntil` is the runtime's hook for work that may
   * outlive the request (Cloudflare Workers' `ExecutionContext.waitUntil`), handed the fetch.
   */
  prepare?(pathname: string, waitUntil?: (promise: Promise<unknown>) => void): Promise<void> | undefined;
}

/**
 * Options of `wardenAuth` (Express, Hono) and `wardenPlugin` (Fastify). The route options
 * (`requiredScopes`, `required`, `toolScopes`) override the configured defaults.
 *
 * @example
 * ```ts
 * const options: WardenAdapterOptions = { authenticator, metadata, requiredScopes: ['mcp:admin'] };
 * ```
 */
export interface WardenAdapterOptions extends RouteAuthOptions {
  /** The authenticator from `createAuthenticator(config)`. */
  authenticator: Authenticator;
  /**
   * The provider from `createMetadataProvider(config)`. Its well-known paths are answered before
   * any authentication (RFC 9728 §3, RFC 8414 §3: discovery is public), so one adapter protects a
   * whole application without hiding its metadata. Fastify registers them as routes of the root
   * instance.
   */
  metadata?: MetadataRoutes;
  /**
   * Answer CORS preflights before authentication (admitting every header an MCP client sends,
   * `Mcp-Param-*` included) and expose `WWW-Authenticate` on every response (docs/security.md,
   * "CORS"). Default `true`: the origins of `MCP_CORS_ORIGINS` (`*` unless configured).
   * `{ origins: [...] }` or `{ origins: (origin) => boolean }` names the allowed origins here.
   * Set `false` when the application's own CORS middleware, mounted before this one, does both.
   */
  cors?: CorsOption;
  /**
   * The largest JSON request body read, in bytes (default: the configuration's `maxBodyBytes`,
   * `MCP_MAX_BODY_BYTES`, 4 MiB). A longer body is refused with 413 as soon as it passes the
   * limit (docs/security.md, "Request bodies").
   */
  maxBodyBytes?: number;
}
