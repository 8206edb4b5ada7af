/**
 * The Hono middleware: extracts the credentials, asks the core's authenticator, and either sets
 * the caller's `AuthInfo` as `c.get('auth')` or answers with the core's status, challenge and
 * JSON body. It holds no authentication logic of its own (design.md: adapters are glue).
 *
 * @module
 */
import {
  type Authenticator,
  type AuthInfo,
  type AuthResult,
  type CorsOption,
  type CorsPolicy,
  corsPolicyFor,
  mergeExposedHeaders,
  type RouteAuthOptions,
  routeNeedsBody,
  routeOverrides,
  UNEXPECTED_FAILURE,
  varyOnOrigin,
} from '@mcp-warden/core';
import type { MetadataProvider } from '@mcp-warden/metadata';
import type { Context, MiddlewareHandler } from 'hono';
import { toAuthRequest } from './auth-request.js';
import { type JsonAnswer, sendJson } from './send-json.js';
import { respondWithMetadata } from './warden-metadata.js';

const ALLOW_ORIGIN = 'Access-Control-Allow-Origin';
const EXPOSE_HEADERS = 'Access-Control-Expose-Headers';
const VARY = 'Vary';

/**
 * The Hono environment `wardenAuth` contributes: `c.get('auth')` is the authenticated caller, or
 * `undefined` for an anonymous request (auth disabled, or optional and no credentials sent).
 */
export interface WardenEnv {
  Variables: {
    auth?: AuthInfo;
  };
}

/** Options of {@link wardenAuth}; the same names in every mcp-warden adapter. */
export interface WardenAdapterOptions extends RouteAuthOptions {
  /** The authenticator from `createAuthenticator(config)`. */
  authenticator: Authenticator;
  /**
   * When set, requests on the provider's well-known paths are answered with the discovery
   * documents before any authentication (R4), so `app.use(wardenAuth({ authenticator, metadata }))`
   * protects a whole application without hiding its metadata.
   */
  metadata?: MetadataProvider;
  /**
   * Answer CORS preflights before authentication (admitting every header an MCP client sends,
   * `Mcp-Param-*` included) and expose `WWW-Authenticate` on every response. Default `true`: the
   * origins of `MCP_CORS_ORIGINS` (`*` unless configured). `{ origins: [...] }` or
   * `{ origins: (origin) => boolean }` names the allowed origins here. Set `false` when your own
   * CORS middleware (`hono/cors`), mounted before this one, does both.
   */
  cors?: CorsOption;
}

/**
 * Hono middleware that authenticates every request it sees (R9) with the core's authenticator.
 *
 * - authenticated: `c.get('auth')` is the caller's `AuthInfo`, then `next()`;
 * - anonymous (auth disabled, or optional and no credentials): `c.get('auth')` is `undefined`;
 * - rejected: answers 400/401/403/503 with the core's `WWW-Authenticate` challenge and JSON body.
 *
 * When tool scopes are configured, the JSON body is read from a clone of `c.req.raw` for the
 * `tools/call` check (R7), so the MCP handler can still read the original. Mount it with
 * `app.use` or `app.all` (not only `app.post`) so it also answers CORS preflights. Route options
 * override the configured defaults: use one `wardenAuth` per route that differs.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { createAuthenticator, loadConfig } from '@mcp-warden/core';
 * import { wardenAuth } from '@mcp-warden/hono';
 *
 * const authenticator = await createAuthenticator(loadConfig());
 * const app = new Hono();
 * app.all('/mcp', wardenAuth({ authenticator }), (c) => c.json({ caller: c.get('auth')?.clientId }));
 * app.all('/admin', wardenAuth({ authenticator, requiredScopes: ['mcp:admin'] }), adminHandler);
 * ```
 */
export function wardenAuth(options: WardenAdapterOptions): MiddlewareHandler<WardenEnv> {
  const authenticator = options?.authenticator;
  if (authenticator === undefined || typeof authenticator.authenticate !== 'function') {
    throw new TypeError('wardenAuth: options.authenticator must be an Authenticator from createAuthenticator()');
  }
  const cors = corsPolicyFor(options.cors, authenticator.config);
  const route = routeOverrides(options);
  const readsBody = routeNeedsBody(authenticator, route);
  const metadata = options.metadata;
  if (metadata !== undefined && typeof metadata.respond !== 'function') {
    throw new TypeError('wardenAuth: options.metadata must be a provider from createMetadataProvider()');
  }

  return async function wardenAuthMiddleware(c, next) {
    let result: AuthResult | undefined;
    try {
      const metadataResponse = metadata === undefined ? undefined : respondWithMetadata(metadata, c);
      if (metadataResponse !== undefined) return metadataResponse;
      if (c.req.method === 'OPTIONS') {
        // A preflight never carries credentials: answered (or passed on) unauthenticated.
        if (cors) {
          return c.body(
            null,
            204,
            cors.preflightHeaders(c.req.header('origin'), c.req.header('access-control-request-headers')),
          );
        }
      } else {
        const request = toAuthRequest(c, readsBody);
        result = await authenticator.authenticate(request instanceof Promise ? await request : request, route);
      }
    } catch {
      return answer(c, UNEXPECTED_FAILURE, cors);
    }
    if (result?.outcome === 'rejected') return answer(c, result, cors);
    c.set('auth', result?.outcome === 'authenticated' ? result.authInfo : undefined);
    await next();
    if (cors && c.req.method !== 'OPTIONS') exposeChallengeHeaders(c, cors);
  };
}

/**
 * CORS on a passed request: once the handler has answered, the allowed origin unless the
 * application (its CORS middleware or the handler) chose one, and our headers added to whatever
 * it exposes. Done on the finished response rather than up front because reading
 * `c.res` before the handler runs makes Hono rebuild the handler's response through the Fetch
 * API's streams on every request, which cost more than the authentication itself (issue 7).
 */
function exposeChallengeHeaders(c: Context, cors: CorsPolicy): void {
  const origin = c.req.header('origin');
  try {
    addCorsHeaders(c.res.headers, cors, origin);
  } catch {
    // Immutable headers (a Response straight from fetch()): copy the response, then add them.
    c.res = new Response(c.res.body, c.res);
    addCorsHeaders(c.res.headers, cors, origin);
  }
}

function addCorsHeaders(headers: Headers, cors: CorsPolicy, origin: string | undefined): void {
  if (!headers.has(ALLOW_ORIGIN)) {
    const allowed = cors.allowOrigin(origin);
    if (allowed !== undefined) headers.set(ALLOW_ORIGIN, allowed);
    if (cors.variesByOrigin) headers.set(VARY, varyOnOrigin(headers.get(VARY) ?? undefined));
  }
  headers.set(EXPOSE_HEADERS, mergeExposedHeaders(headers.get(EXPOSE_HEADERS) ?? undefined));
}

/**
 * A rejection (or the fail-closed fallback) with the CORS headers, so script can read it. The response Hono builds starts
 * from the headers earlier middleware set, so that is where an application's own origin and
 * exposed headers are read; `c.header` then records ours where Hono merges the earlier
 * middleware's headers back into the returned response.
 */
function answer(c: Context, json: JsonAnswer, cors: CorsPolicy | undefined): Response {
  const response = sendJson(c, json);
  if (cors === undefined) return response;
  const headers = response.headers;
  if (!headers.has(ALLOW_ORIGIN)) {
    const allowed = cors.allowOrigin(c.req.header('origin'));
    if (allowed !== undefined) {
      headers.set(ALLOW_ORIGIN, allowed);
      c.header(ALLOW_ORIGIN, allowed);
    }
    if (cors.variesByOrigin) {
      const vary = varyOnOrigin(headers.get(VARY) ?? undefined);
      headers.set(VARY, vary);
      c.header(VARY, vary);
    }
  }
  const exposed = mergeExposedHeaders(headers.get(EXPOSE_HEADERS) ?? undefined);
  headers.set(EXPOSE_HEADERS, exposed);
  c.header(EXPOSE_HEADERS, exposed);
  return response;
}
