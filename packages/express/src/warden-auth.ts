/**
 * The Express middleware: extracts the credentials, asks the core's authenticator, and either puts
 * the caller's `AuthInfo` on `req.auth` or answers with the core's status, challenge and JSON
 * body. It holds no authentication logic of its own (design.md: adapters are glue).
 *
 * @module
 */
import {
  type Authenticator,
  type AuthInfo,
  type AuthResult,
  type CorsOption,
  corsPolicyFor,
  mergeExposedHeaders,
  type RouteAuthOptions,
  routeNeedsBody,
  routeOverrides,
  UNEXPECTED_FAILURE,
  varyOnOrigin,
} from '@mcp-warden/core';
import type { MetadataProvider } from '@mcp-warden/metadata';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { toAuthRequest } from './auth-request.js';
import { sendJson } from './send-json.js';
import { respondWithMetadata } from './warden-metadata.js';

declare global {
  namespace Express {
    interface Request {
      /**
       * The authenticated caller, set by `wardenAuth`; `undefined` for an anonymous request
       * (auth disabled, or optional and no credentials sent). The official MCP SDK's
       * `toNodeHandler` reads this field and hands it to tool handlers as `ctx.http.authInfo`.
       */
      auth?: AuthInfo;
    }
  }
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
   * CORS middleware, mounted before this one, does both.
   */
  cors?: CorsOption;
}

/**
 * Without a parsed body a `tools/call` cannot be checked against the tool scopes (R7): rather than
 * let it through unchecked, the middleware refuses JSON requests that reach it unparsed.
 */
const BODY_NOT_PARSED = Object.freeze({
  status: 500,
  headers: Object.freeze({}),
  body: Object.freeze({
    error: 'server_error',
    error_description: 'Tool scopes cannot be checked: mount express.json() before wardenAuth',
  }),
});

/**
 * Express middleware that authenticates every request it sees (R9) with the core's authenticator.
 *
 * - authenticated: `req.auth` is the caller's `AuthInfo`, then `next()`;
 * - anonymous (auth disabled, or optional and no credentials): `req.auth` is `undefined`, then `next()`;
 * - rejected: answers 400/401/403/503 with the core's `WWW-Authenticate` challenge and JSON body.
 *
 * Mount `express.json()` before it: the `tools/call` scope check (R7) reads the parsed `req.body`.
 * Mount it with `app.use` or `app.all` (not only `app.post`) so it also answers CORS preflights.
 * Route options override the configured defaults: call `wardenAuth` once per route that differs.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createAuthenticator, loadConfig } from '@mcp-warden/core';
 * import { wardenAuth } from '@mcp-warden/express';
 *
 * const authenticator = await createAuthenticator(loadConfig());
 * const app = express();
 * app.use(express.json());
 * app.all('/mcp', wardenAuth({ authenticator }), (req, res) => res.json({ caller: req.auth?.clientId }));
 * app.all('/admin', wardenAuth({ authenticator, requiredScopes: ['mcp:admin'] }), adminHandler);
 * ```
 */
export function wardenAuth(options: WardenAdapterOptions): RequestHandler {
  const authenticator = options?.authenticator;
  if (authenticator === undefined || typeof authenticator.authenticate !== 'function') {
    throw new TypeError('wardenAuth: options.authenticator must be an Authenticator from createAuthenticator()');
  }
  const cors = corsPolicyFor(options.cors, authenticator.config);
  const route = routeOverrides(options);
  const checksTools = routeNeedsBody(authenticator, route);
  const metadata = options.metadata;
  if (metadata !== undefined && typeof metadata.respond !== 'function') {
    throw new TypeError('wardenAuth: options.metadata must be a provider from createMetadataProvider()');
  }

  return async function wardenAuthMiddleware(req: Request, res: Response, next: NextFunction): Promise<void> {
    let result: AuthResult | undefined;
    try {
      if (metadata !== undefined && respondWithMetadata(metadata, req, res)) return;
      if (req.method === 'OPTIONS') {
        // A preflight never carries credentials: answered (or passed on) unauthenticated.
        if (cors) {
          const requested = req.headers['access-control-request-headers'];
          res.status(204).set(cors.preflightHeaders(req.headers.origin, requested)).end();
          return;
        }
      } else {
        if (cors) {
          if (!res.hasHeader('Access-Control-Allow-Origin')) {
            const allowed = cors.allowOrigin(req.headers.origin);
            if (allowed !== undefined) res.setHeader('Access-Control-Allow-Origin', allowed);
            if (cors.variesByOrigin) res.setHeader('Vary', varyOnOrigin(res.getHeader('Vary')?.toString()));
          }
          const exposed = res.getHeader('Access-Control-Expose-Headers')?.toString();
          res.setHeader('Access-Control-Expose-Headers', mergeExposedHeaders(exposed));
        }
        if (checksTools && req.body === undefined && req.is('application/json')) {
          sendJson(res, BODY_NOT_PARSED);
          return;
        }
        result = await authenticator.authenticate(toAuthRequest(req), route);
      }
    } catch {
      if (!res.headersSent) sendJson(res, UNEXPECTED_FAILURE);
      return;
    }
    if (result?.outcome === 'rejected') {
      sendJson(res, result);
      return;
    }
    req.auth = result?.outcome === 'authenticated' ? result.authInfo : undefined;
    next();
  };
}
