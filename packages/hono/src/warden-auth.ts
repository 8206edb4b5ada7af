/**
 * The Hono middleware: extracts the credentials, asks the core's authenticator, and either sets
 * the caller's `AuthInfo` as `c.get('auth')` or answers with the core's status, challenge and
 * JSON body. It holds no authentication logic of its own (adapters are glue).
 *
 * @module
 */
import {
  type AuthInfo,
  type AuthResult,
  bodyHeadersProblem,
  type CorsPolicy,
  corsPolicyFor,
  type HttpAnswer,
  mergeExposedHeaders,
  readRequestBody,
  routeNeedsBody,
  routeOverrides,
  UNEXPECTED_FAILURE,
  varyOnOrigin,
  type WardenAdapterOptions,
} from '@mcp-warden/core/adapter';
import type { Context, MiddlewareHandler } from 'hono';
import { requestHeader, toAuthRequest } from './auth-request.js';
import { sendJson } from './send-json.js';
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

/** Whether a request carries a body (RFC 9112 §6.3: a Content-Length above 0, or Transfer-Encoding). */
function hasBody(c: Context): boolean {
  const length = requestHeader(c, 'content-length');
  return (length !== undefined && length.trim() !== '0') || requestHeader(c, 'transfer-encoding') !== undefined;
}

/**
 * Hono middleware that authenticates every request it sees (MCP authorization, "Token Handling") with the core's authenticator.
 *
 * - authenticated: `c.get('auth')` is the caller's `AuthInfo`, then `next()`;
 * - anonymous (auth disabled, or optional and no credentials): `c.get('auth')` is `undefined`;
 * - rejected: answers 400/401/403/503 with the core's `WWW-Authenticate` challenge and JSON body.
 *
 * Authentication never waits for the body. A request that passes has its body read, within
 * `maxBodyBytes` (413 beyond), refused when it is compressed or not UTF-8 JSON (415) or nested
 * too deeply (400), and handed on as `c.req.raw` unchanged in content; when tool scopes are
 * configured its `tools/call` is checked (MCP authorization, scope challenges). Mount it with
 * `app.use` or `app.all` (not only `app.post`) so it also answers CORS preflights. Route options
 * override the configured defaults: use one `wardenAuth` per route that differs.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { createAuthenticator, loadConfig } from '@mcp-warden/core/adapter';
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
  const maxBodyBytes = options.maxBodyBytes ?? authenticator.config.maxBodyBytes;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new TypeError('wardenAuth: options.maxBodyBytes must be a positive integer (bytes)');
  }

  return async function wardenAuthMiddleware(c, next) {
    let result: AuthResult | undefined;
    try {
      const metadataResponse = metadata === undefined ? undefined : respondWithMetadata(metadata, c);
      if (metadataResponse !== undefined) return await metadataResponse;
      if (c.req.method === 'OPTIONS') {
        // a preflight never carries credentials: answered (or passed on) unauthenticated.
        if (cors) {
          return c.body(
            null,
            204,
            cors.preflightHeaders(c.req.header('origin'), c.req.header('access-control-request-headers')),
          );
        }
      } else {
        const withBody = hasBody(c);
        if (withBody) {
          const refusal = bodyHeadersProblem(
            requestHeader(c, 'content-length'),
            requestHeader(c, 'content-encoding'),
            requestHeader(c, 'content-type'),
            maxBodyBytes,
          );
          if (refusal !== undefined) return answer(c, refusal, cors);
        }
        result = await authenticator.authenticate(toAuthRequest(c), route);
        if (result.outcome === 'rejected') return answer(c, result, cors);
        if (withBody) {
          const refusal = await readBody(c, readsBody, maxBodyBytes);
          if (refusal !== undefined && 'status' in refusal) return answer(c, refusal, cors);
          if (refusal !== undefined)
            result = authenticator.authorizeToolCall(result, toAuthRequest(c, refusal.json), route);
        }
      }
    } catch (error) {
      authenticator.reportUnexpectedFailure(error, { method: c.req.method, path: c.req.path });
      return answer(c, UNEXPECTED_FAILURE, cors);
    }
    if (result?.outcome === 'rejected') return answer(c, result, cors);
    c.set('auth', result?.outcome === 'authenticated' ? result.authInfo : undefined);
    await next();
    if (cors && c.req.method !== 'OPTIONS') exposeChallengeHeaders(c, cors);
  };
}

/**
 * Reads the body of an authenticated request within the limit and puts it back as `c.req.raw`,
 * so the handler reads it as sent. A body an earlier middleware already consumed (a validator's
 * `c.req.json()`) comes from Hono's body cache. Returns the refusal, or the parsed JSON when the
 * `tools/call` check needs it.
 */
async function readBody(
  c: Context,
  parseJson: boolean,
  maxBodyBytes: number,
): Promise<HttpAnswer | { json: unknown } | undefined> {
  const raw = c.req.raw;
  const contentType = requestHeader(c, 'content-type');
  const cached = raw.bodyUsed || raw.body === null;
  const source = cached ? new Response(await c.req.arrayBuffer()).body : raw.body;
  if (source === null) return undefined;
  const read = await readRequestBody(source, contentType, maxBodyBytes, parseJson);
  if ('status' in read) return read;
  if (!cached) {
    const body = read.bytes as Uint8Array<ArrayBuffer>;
    c.req.raw = new Request(raw.url, { method: raw.method, headers: raw.headers, body, signal: raw.signal });
  }
  return parseJson ? { json: read.json } : undefined;
}

/**
 * CORS on a passed request: once the handler has answered, the allowed origin unless the
 * application (its CORS middleware or the handler) chose one, and our headers added to whatever
 * it exposes. Done on the finished response rather than up front because reading
 * `c.res` before the handler runs makes Hono rebuild the handler's response through the Fetch
 * API's streams on every request, which cost more than the authentication itself.
 */
function exposeChallengeHeaders(c: Context, cors: CorsPolicy): void {
  const origin = requestHeader(c, 'origin');
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
 * A rejection (or the fail-closed fallback) with the CORS headers. The response Hono builds starts
 * from the headers earlier middleware set, so that is where an application's own origin and
 * exposed headers are read; `c.header` then records ours where Hono merges the earlier
 * middleware's headers back into the returned response.
 */
function answer(c: Context, json: HttpAnswer, cors: CorsPolicy | undefined): Response {
  const response = sendJson(c, json);
  if (cors === undefined) return response;
  const headers = response.headers;
  if (!headers.has(ALLOW_ORIGIN)) {
    const allowed = cors.allowOrigin(requestHeader(c, 'origin'));
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
