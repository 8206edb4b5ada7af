/**
 * The Express middleware: extracts the credentials, asks the core's authenticator, and either puts
 * the caller's `AuthInfo` on `req.auth` or answers with the core's status, challenge and JSON
 * body. It holds no authentication logic of its own (adapters are glue).
 *
 * @module
 */
import {
  type AuthInfo,
  type AuthResult,
  bodyHeadersProblem,
  corsPolicyFor,
  isJsonContentType,
  mergeExposedHeaders,
  readRequestBody,
  routeNeedsBody,
  routeOverrides,
  UNEXPECTED_FAILURE,
  varyOnOrigin,
  type WardenAdapterOptions,
} from '@mcp-warden/core/adapter';
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

/** Whether a request carries a body (RFC 9112 §6.3: a Content-Length above 0, or Transfer-Encoding). */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length.trim() !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** What body-parser's `express.json()` checks to skip a body already read (`req._body`). */
type ReadRequest = Request & { _body?: boolean };

/**
 * Express middleware that authenticates every request it sees (MCP authorization, token validation) with the core's authenticator.
 *
 * - authenticated: `req.auth` is the caller's `AuthInfo`, then `next()`;
 * - anonymous (auth disabled, or optional and no credentials): `req.auth` is `undefined`, then `next()`;
 * - rejected: answers 400/401/403/503 with the core's `WWW-Authenticate` challenge and JSON body.
 *
 * Authentication never waits for the body. A request that passes has its JSON body read (within
 * `maxBodyBytes`, 413 beyond; 415 when compressed or not UTF-8; 400 when nested too deeply) and
 * parsed into `req.body`, where `express.json()` would put it, so no body parser is needed in front
 * of it; the `tools/call` scope check (MCP authorization, scope challenges) reads it. A body an earlier `express.json()` already
 * parsed is used as it is. Mount it with `app.use` or `app.all` (not only `app.post`) so it also answers CORS preflights.
 * Route options override the configured defaults: call `wardenAuth` once per route that differs.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createAuthenticator, loadConfig } from '@mcp-warden/core/adapter';
 * import { wardenAuth } from '@mcp-warden/express';
 *
 * const authenticator = await createAuthenticator(loadConfig());
 * const app = express();
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
  const maxBodyBytes = options.maxBodyBytes ?? authenticator.config.maxBodyBytes;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new TypeError('wardenAuth: options.maxBodyBytes must be a positive integer (bytes)');
  }

  return async function wardenAuthMiddleware(req: Request, res: Response, next: NextFunction): Promise<void> {
    let result: AuthResult | undefined;
    try {
      if (metadata !== undefined && respondWithMetadata(metadata, req, res)) return;
      if (req.method === 'OPTIONS') {
        // a preflight never carries credentials: answered (or passed on) unauthenticated.
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
        const unread = req.body === undefined && hasBody(req) && isJsonContentType(req.headers['content-type']);
        if (unread) {
          const refusal = bodyHeadersProblem(
            req.headers['content-length'],
            req.headers['content-encoding'],
            req.headers['content-type'],
            maxBodyBytes,
          );
          if (refusal !== undefined) {
            sendJson(res, refusal);
            return;
          }
        }
        result = await authenticator.authenticate(toAuthRequest(req, unread), route);
        if (unread && result.outcome !== 'rejected') {
          const read = await readRequestBody(req, req.headers['content-type'], maxBodyBytes, true);
          if ('status' in read) {
            sendJson(res, read);
            return;
          }
          req.body = read.json;
          (req as ReadRequest)._body = true;
          if (checksTools) result = authenticator.authorizeToolCall(result, toAuthRequest(req), route);
        }
      }
    } catch (error) {
      authenticator.reportUnexpectedFailure(error, { method: req.method, path: req.path });
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
